package agecnn.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one SHA-256 helper against published values, and its four ways agreeing with each other. */
class Sha256Test {

    @Test
    void knownValues() {
        // FIPS 180-2's examples
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.hex(new byte[0]));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.hex("abc"));
        // text is hashed as UTF-8 (value from Python's hashlib.sha256("é €".encode()))
        assertEquals("ed23df088a419fde4b34bb8f6ddea63f5239a62fb3b692643f201c4736356c6d", Sha256.hex("\u00e9 \u20ac"));
        assertEquals(Sha256.hex("\u00e9 \u20ac"), Sha256.hex("\u00e9 \u20ac".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFileStreamedAndADigestFedInPiecesGiveTheHashOfTheWhole(@TempDir Path tmp) throws IOException {
        byte[] bytes = new byte[200_000];   // more than one read buffer
        new Random(3).nextBytes(bytes);
        Path f = Files.write(tmp.resolve("f.bin"), bytes);
        String whole = Sha256.hex(bytes);
        assertEquals(whole, Sha256.hex(f));
        MessageDigest md = Sha256.digest();
        md.update(bytes, 0, 1234);
        md.update(bytes, 1234, bytes.length - 1234);
        assertEquals(whole, Sha256.hex(md));
        assertEquals(Sha256.hex(new byte[0]), Sha256.hex(md), "hex(md) completes and resets the digest");
    }
}
