package dev.cascade4j.tools.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * The URLs a bound server answers at, so that an operator sees at start what is exposed: the host
 * itself, or, for a wildcard host, the address of every interface that is up (a wildcard socket takes
 * IPv4 and IPv6 alike unless the JVM is told to prefer IPv4).
 */
final class ListeningAddresses {

    private ListeningAddresses() {
    }

    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("::0");
    }

    /** Reads the interfaces (a few system calls): call it off the event loop. */
    static List<String> urls(String host, int port) {
        if (!isWildcard(host)) {
            return List.of(url(host, port));
        }
        boolean ipv4Only = Boolean.getBoolean("java.net.preferIPv4Stack");
        List<String> out = new ArrayList<>();
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress a : nic.inetAddresses().toList()) {
                    // link-local IPv6 needs a zone to be reached: not a URL anyone pastes
                    if (a instanceof Inet6Address && (ipv4Only || a.isLinkLocalAddress())) {
                        continue;
                    }
                    out.add(url(a instanceof Inet6Address ? compact(a.getAddress()) : a.getHostAddress(), port));
                }
            }
        } catch (SocketException e) {
            return List.of(url(host, port));
        }
        out.sort((x, y) -> Boolean.compare(x.contains("["), y.contains("[")));
        return out;
    }

    /** RFC 5952's short form ("::1", "fd00::2"), the one people type; Java writes every group. */
    static String compact(byte[] v6) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (v6[2 * i] & 0xff) << 8 | (v6[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    private static String url(String host, int port) {
        boolean v6 = host.indexOf(':') >= 0 && !host.startsWith("[");
        return "http://" + (v6 ? "[" + host + "]" : host) + ":" + port;
    }
}
