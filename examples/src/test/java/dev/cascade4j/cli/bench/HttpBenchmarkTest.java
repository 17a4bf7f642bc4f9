package dev.cascade4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HttpBenchmarkTest {
    @Test
    void readsThroughputPercentilesAndErrorsFromWrkOutput() {
        HttpBenchmark.WrkResult r = HttpBenchmark.parse("""
                Running 5s test @ http://127.0.0.1:40000/v1/chat/completions
                  2 threads and 64 connections
                  Thread Stats   Avg      Stdev     Max   +/- Stdev
                    Latency     1.25ms  460.53us   5.33ms   76.19%
                    Req/Sec    24.56k     2.59k   30.68k    60.00%
                  Latency Distribution
                     50%  912.00us
                     75%    1.45ms
                     90%    1.72ms
                     99%    1.20s
                  245555 requests in 5.00s, 132.20MB read
                  Socket errors: connect 0, read 0, write 0, timeout 3
                  Non-2xx or 3xx responses: 17
                Requests/sec:  49103.20
                Transfer/sec:     26.43MB
                """);
        assertEquals(49103.20, r.requestsPerSecond(), 1e-9);
        assertEquals(0.912, r.p50Millis(), 1e-9);
        assertEquals(1200.0, r.p99Millis(), 1e-9);
        assertEquals(245555, r.requests());
        assertEquals(17, r.non2xx());
        assertEquals("Socket errors: connect 0, read 0, write 0, timeout 3", r.errors());
    }

    @Test
    void outputWithoutFiguresIsAnError() {
        assertThrows(IllegalStateException.class, () -> HttpBenchmark.parse("unable to connect to 127.0.0.1:1 Connection refused"));
    }
}
