package dev.cascade4j.inference.source;

import dev.cascade4j.inference.InferenceException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS that trusts a PEM bundle of CA certificates (pip's {@code cert}, e.g. the system's
 * {@code /etc/ssl/certs/ca-certificates.crt}, which holds a proxy's or company's CA the JDK's trust
 * store lacks) as well as the JDK's own trusted CAs.
 */
final class CaBundle {
    private static final Pattern PEM = Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");

    private CaBundle() {
    }

    static SSLContext sslContext(Path pem) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            Matcher m = PEM.matcher(Files.readString(pem, StandardCharsets.US_ASCII));
            int n = 0;
            while (m.find()) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(1));
                store.setCertificateEntry("bundle-" + n++, x509.generateCertificate(new ByteArrayInputStream(der)));
            }
            if (n == 0) {
                throw new InferenceException.ResourceUnavailable("the CA bundle " + pem + " (pip's cert setting) holds no PEM certificate");
            }
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            for (var tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate ca : x.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + n++, ca);
                    }
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (IOException | GeneralSecurityException e) {
            throw new InferenceException.ResourceUnavailable("cannot use the CA bundle " + pem + " (pip's cert setting): " + e.getMessage(), e);
        }
    }
}
