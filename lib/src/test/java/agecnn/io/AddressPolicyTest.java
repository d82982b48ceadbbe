package agecnn.io;

import agecnn.testing.LoopbackHttp;
import agecnn.testing.TestImages;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Which addresses {@link AddressPolicy#publicOnly()} refuses (literal addresses: nothing is
 * resolved over the network, nothing is connected to), and that a {@link Fetcher} checks its
 * policy on the URL and on every redirect before connecting.
 */
class AddressPolicyTest {

    static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void privateLoopbackLinkLocalAndReservedAddressesAreNotPublic() throws Exception {
        String[][] cases = {
                {"127.0.0.1", "loopback"}, {"127.8.9.10", "loopback"}, {"::1", "loopback"},
                {"10.0.0.1", "private"}, {"172.16.0.1", "private"}, {"172.31.255.255", "private"}, {"192.168.0.10", "private"},
                {"169.254.169.254", "link-local"}, {"fe80::1", "link-local"},
                {"fd00:ec2::254", "unique local"}, {"fc00::1", "unique local"},
                {"100.64.0.1", "carrier-grade NAT"}, {"0.0.0.0", "unspecified"}, {"::", "unspecified"}, {"0.1.2.3", "this network"},
                {"224.0.0.1", "multicast"}, {"ff02::1", "multicast"}, {"240.0.0.1", "reserved"}, {"255.255.255.255", "reserved"},
                {"192.0.2.1", "documentation"}, {"2001:db8::1", "documentation"}, {"198.18.0.1", "benchmarking"},
                // IPv4 inside IPv6: mapped (Java gives the IPv4 address), compatible, NAT64, 6to4
                {"::ffff:127.0.0.1", "loopback"}, {"::10.0.0.1", "private"}, {"64:ff9b::a9fe:a9fe", "link-local"},
                {"2002:c0a8:0101::1", "private"}, {"2001:0:4136:e378::1", "Teredo"}};
        for (String[] c : cases) {
            String why = AddressPolicy.whyNotPublic(ip(c[0]));
            assertNotNull(why, c[0] + " taken as public");
            assertTrue(why.contains(c[1]), c[0] + ": " + why);
        }
    }

    @Test
    void publicAddressesAreTaken() throws Exception {
        for (String a : new String[]{"8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "64:ff9b::808:808",
                "2002:0808:0808::1"}) {
            assertNull(AddressPolicy.whyNotPublic(ip(a)), a);
        }
    }

    @Test
    void publicOnlyRefusesBeforeConnecting() {
        AddressPolicy p = AddressPolicy.publicOnly();
        AddressPolicy.Refused r = assertThrows(AddressPolicy.Refused.class,
                () -> p.check("http://169.254.169.254/latest", URI.create("http://169.254.169.254/latest")));
        assertEquals("http://169.254.169.254/latest: 169.254.169.254, a link-local address (where metadata services answer): "
                + "refused (only public addresses are fetched here)", r.getMessage());
        AddressPolicy.Refused named = assertThrows(AddressPolicy.Refused.class,
                () -> p.check("http://localhost/x", URI.create("http://localhost/x")));
        assertTrue(named.getMessage().contains("localhost resolves to "), named.getMessage());
        assertThrows(AddressPolicy.Refused.class, () -> p.check("u", URI.create("http://[::1]:80/x")));
        DownloadException unknown = assertThrows(DownloadException.class,
                () -> p.check("http://no-such-host.invalid/", URI.create("http://no-such-host.invalid/")));
        assertFalse(unknown instanceof AddressPolicy.Refused);
        assertTrue(unknown.getMessage().contains("unknown host no-such-host.invalid"));
    }

    @Test
    void theFetcherChecksEveryRedirectBeforeConnecting() throws Exception {
        byte[] jpg = TestImages.encode(TestImages.noise(40, 30, 1), "jpg");
        AtomicInteger inside = new AtomicInteger();
        try (LoopbackHttp outside = new LoopbackHttp(); LoopbackHttp internal = new LoopbackHttp()) {
            internal.route("/secret.jpg", ex -> {
                inside.incrementAndGet();
                LoopbackHttp.send(ex, 200, "image/jpeg", jpg);
            });
            outside.route("/hop", ex -> {
                ex.getResponseHeaders().set("Location", internal.url("/secret.jpg"));
                LoopbackHttp.send(ex, 302, null, new byte[0]);
            });
            int internalPort = URI.create(internal.url("/")).getPort();
            // a policy standing for "public only": the internal server's port is the private network
            AddressPolicy notInternal = (url, target) -> {
                if (target.getPort() == internalPort) throw new AddressPolicy.Refused(url, target.getHost() + ":" + target.getPort() + " is internal");
            };
            Fetcher.Limits limits = new Fetcher.Limits(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5), 100_000, 3);
            Fetcher f = Fetcher.forImages(limits).withAddressPolicy(notInternal);
            AddressPolicy.Refused r = assertThrows(AddressPolicy.Refused.class, () -> f.fetch(outside.url("/hop")));
            assertTrue(r.getMessage().startsWith(outside.url("/hop") + ": 127.0.0.1:" + internalPort + " is internal"), r.getMessage());
            assertThrows(AddressPolicy.Refused.class, () -> f.fetch(internal.url("/secret.jpg")));
            assertEquals(0, inside.get(), "the internal server was never reached");

            // the policy survives the fetcher's other settings; without one, the redirect is followed
            assertThrows(AddressPolicy.Refused.class, () -> f.withHeader("X-Test", "1").fetch(outside.url("/hop")));
            assertArrayEquals(jpg, Fetcher.forImages(limits).fetch(outside.url("/hop")).bytes());
            assertEquals(1, inside.get());
        }
    }
}
