package agecnn.io;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Which hosts a {@link Fetcher} may connect to, checked on the URL and again on every redirect,
 * before any connection is made. {@link #ANY} takes every host (a command run by the user on
 * their own machine); {@link #publicOnly()} refuses hosts that resolve to this machine or to
 * a private network (a server that fetches URLs sent by others must not become their way into
 * the network it sits in: server-side request forgery).
 *
 * <p>The check resolves the host once; the connection that follows resolves it again, served
 * from the JVM's address cache (30 s by default), so a name that changes its address between
 * the two (DNS rebinding) is only possible where that cache has been switched off.
 */
@FunctionalInterface
public interface AddressPolicy {

    /**
     * Refuses {@code target}, a hop of downloading {@code url}, by throwing.
     *
     * @throws Refused           when the host's address is not allowed
     * @throws DownloadException when the host cannot be resolved
     */
    void check(String url, URI target) throws DownloadException;

    /** Every host. */
    AddressPolicy ANY = (url, target) -> { };

    /** A URL (or a redirect) to a host that the policy refuses; the message says which address and why. */
    final class Refused extends DownloadException {
        private static final long serialVersionUID = 1L;

        public Refused(String url, String reason) {
            super(url, reason);
        }
    }

    /**
     * Only hosts whose every address is public: refuses loopback, private (10/8, 172.16/12,
     * 192.168/16, fc00::/7), link-local (169.254/16, where cloud metadata services answer, and
     * fe80::/10), carrier-grade NAT (100.64/10), unspecified, multicast, documentation and
     * reserved ranges, and IPv6 forms that carry such an IPv4 address inside.
     */
    static AddressPolicy publicOnly() {
        return (url, target) -> {
            String host = target.getHost();
            if (host == null) throw new DownloadException(url, "no host in the URL");
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            InetAddress[] all;
            try {
                all = InetAddress.getAllByName(bare);
            } catch (UnknownHostException e) {
                throw new DownloadException(url, "unknown host " + bare);
            }
            for (InetAddress a : all) {
                String why = whyNotPublic(a);
                if (why != null) {
                    throw new Refused(url, (bare.equals(a.getHostAddress()) ? bare : bare + " resolves to " + a.getHostAddress())
                            + ", " + why + ": refused (only public addresses are fetched here)");
                }
            }
        };
    }

    /** Why {@code a} is not a public address ("a loopback address", ...), or null when it is. */
    static String whyNotPublic(InetAddress a) {
        if (a.isLoopbackAddress()) return "a loopback address";
        if (a.isAnyLocalAddress()) return "the unspecified address";
        if (a.isLinkLocalAddress()) return "a link-local address (where metadata services answer)";
        if (a.isSiteLocalAddress()) return "a private address";
        if (a.isMulticastAddress()) return "a multicast address";
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) return whyNotPublicV4(b);
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xFF;
            if ((first & 0xFE) == 0xFC) return "a private (unique local) address";
            // an IPv4 address carried inside: IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16
            if (allZero(b, 0, 12)) return whyNotPublicV4(new byte[]{b[12], b[13], b[14], b[15]});
            if (startsWith(b, 0x00, 0x64, 0xff, 0x9b) && allZero(b, 4, 12)) {
                return inner(whyNotPublicV4(new byte[]{b[12], b[13], b[14], b[15]}));
            }
            if (startsWith(b, 0x20, 0x02)) return inner(whyNotPublicV4(new byte[]{b[2], b[3], b[4], b[5]}));
            if (startsWith(b, 0x20, 0x01, 0x00, 0x00)) return "a Teredo tunnel address";
            if (startsWith(b, 0x20, 0x01, 0x0d, 0xb8)) return "a documentation address";
            return null;
        }
        return null;
    }

    private static String whyNotPublicV4(byte[] b) {
        int o1 = b[0] & 0xFF, o2 = b[1] & 0xFF, o3 = b[2] & 0xFF;
        if (o1 == 127) return "a loopback address";
        if (o1 == 0) return "an address of this network (0/8)";
        if (o1 == 10 || o1 == 172 && (o2 & 0xF0) == 16 || o1 == 192 && o2 == 168) return "a private address";
        if (o1 == 169 && o2 == 254) return "a link-local address (where metadata services answer)";
        if (o1 == 100 && (o2 & 0xC0) == 64) return "a carrier-grade NAT address (100.64/10)";
        if (o1 == 192 && o2 == 0 && o3 == 0) return "an IETF protocol address (192.0.0/24)";
        if (o1 == 192 && o2 == 0 && o3 == 2 || o1 == 198 && o2 == 51 && o3 == 100 || o1 == 203 && o2 == 0 && o3 == 113) {
            return "a documentation address";
        }
        if (o1 == 198 && (o2 & 0xFE) == 18) return "a benchmarking address (198.18/15)";
        if (o1 >= 224) return o1 < 240 ? "a multicast address" : "a reserved address";
        return null;
    }

    private static String inner(String why) {
        return why == null ? null : "an IPv6 address carrying " + why;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != 0) return false;
        return true;
    }

    private static boolean startsWith(byte[] b, int... prefix) {
        for (int i = 0; i < prefix.length; i++) if ((b[i] & 0xFF) != prefix[i]) return false;
        return true;
    }
}
