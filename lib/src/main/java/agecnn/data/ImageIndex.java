package agecnn.data;

import agecnn.config.RunRecord;
import agecnn.io.Csv;
import agecnn.io.Sha256;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.api.ColumnType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The index of the data set: one row per readable image (see {@link IndexColumns}), and a
 * table of every problem found on the way, by file and field. Names that cannot give an age
 * and images that cannot be decoded are reported and left out; nothing crashes the build.
 */
public final class ImageIndex {

    private final Path dataDir;
    private final Table images;
    private final Table problems;
    private final int filesSeen;

    private ImageIndex(Path dataDir, Table images, Table problems, int filesSeen) {
        this.dataDir = dataDir;
        this.images = images;
        this.problems = problems;
        this.filesSeen = filesSeen;
    }

    /**
     * Indexes the image files of a folder.
     *
     * @param maxPerBin when above 0, keeps at most this many images per age bin, chosen at random
     *                  for the seed before any file is read (the smoke profile's real subset)
     */
    public static ImageIndex build(Path dataDir, int maxPerBin, long seed) throws IOException {
        List<String> files;
        try (Stream<Path> s = Files.list(dataDir)) {
            files = s.filter(DataLocator::isImageFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<ParsedName> parsed = new ArrayList<>();
        Table problems = emptyProblems();
        for (String f : files) {
            ParsedName p = FileNameParser.parse(f);
            for (NameProblem np : p.problems()) {
                addProblem(problems, f, np.field(), np.message(), p.usable() ? "kept" : "left out: no age");
            }
            if (p.usable()) parsed.add(p);
        }
        if (maxPerBin > 0) parsed = subset(parsed, maxPerBin, seed);

        // Hash and decode every chosen file (in parallel: this is the slow part on 23k images).
        String[] hashes = new String[parsed.size()];
        int[][] sizes = new int[parsed.size()][];
        String[] bad = new String[parsed.size()];
        AtomicInteger done = new AtomicInteger();
        List<ParsedName> chosen = parsed;
        java.util.stream.IntStream.range(0, chosen.size()).parallel().forEach(i -> {
            String f = chosen.get(i).file();
            try {
                byte[] bytes = ImageDecoder.readBytes(dataDir.resolve(f));   // a file over the size limit is refused unread
                hashes[i] = Sha256.hex(bytes);
                ImageDecoder.Picture img = ImageDecoder.readStored(bytes, f);
                sizes[i] = new int[]{img.width(), img.height()};   // the file's, also when decoded at 1/k
            } catch (BadImageException e) {
                bad[i] = e.reason();
            } catch (IOException e) {
                bad[i] = "unreadable: " + e.getMessage();
            }
            int n = done.incrementAndGet();
            if (n % 5000 == 0) System.out.printf("  read %d of %d images%n", n, chosen.size());
        });

        Table images = emptyIndex();
        for (int i = 0; i < chosen.size(); i++) {
            ParsedName p = chosen.get(i);
            if (bad[i] != null) {
                addProblem(problems, p.file(), "image", bad[i], "left out: unreadable");
                continue;
            }
            images.stringColumn(IndexColumns.FILE).append(p.file());
            appendOrMissing(images.intColumn(IndexColumns.AGE), p.age());
            appendOrMissing(images.intColumn(IndexColumns.GENDER), p.gender());
            appendOrMissing(images.intColumn(IndexColumns.RACE), p.race());
            images.stringColumn(IndexColumns.TIMESTAMP).append(p.timestamp() == null ? "" : p.timestamp());
            images.intColumn(IndexColumns.WIDTH).append(sizes[i][0]);
            images.intColumn(IndexColumns.HEIGHT).append(sizes[i][1]);
            images.stringColumn(IndexColumns.SHA256).append(hashes[i]);
            images.stringColumn(IndexColumns.PROBLEMS).append(p.problemText());
        }
        return new ImageIndex(dataDir, images, problems, files.size());
    }

    /** maxPerBin names per age bin, drawn for the seed; names whose age is in no bin are kept aside. */
    private static List<ParsedName> subset(List<ParsedName> parsed, int maxPerBin, long seed) {
        Map<Integer, List<ParsedName>> byBin = new TreeMap<>();
        for (ParsedName p : parsed) byBin.computeIfAbsent(AgeBins.binOf(p.age()), b -> new ArrayList<>()).add(p);
        List<ParsedName> out = new ArrayList<>();
        byBin.forEach((bin, list) -> {
            List<ParsedName> copy = new ArrayList<>(list);
            Collections.shuffle(copy, new Random(seed * 31 + bin));
            out.addAll(copy.subList(0, Math.min(maxPerBin, copy.size())));
        });
        out.sort((a, b) -> a.file().compareTo(b.file()));
        return out;
    }

    public Path dataDir() { return dataDir; }

    /** One row per readable image; columns in {@link IndexColumns}. */
    public Table images() { return images; }

    /** file, field, problem, action: every problem with a name or an image. */
    public Table problems() { return problems; }

    /** Image files found in the folder (before any subset or exclusion). */
    public int filesSeen() { return filesSeen; }

    /**
     * A short identity of the indexed data: SHA-256 over the sorted file names and content
     * hashes. Two runs on the same images give the same fingerprint; stored in run.json.
     */
    public String fingerprint() {
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < images.rowCount(); r++) {
            lines.add(images.getString(r, IndexColumns.FILE) + "," + images.getString(r, IndexColumns.SHA256));
        }
        Collections.sort(lines);
        return Sha256.hex(String.join("\n", lines)).substring(0, 16);
    }

    /** Records where the data came from and its fingerprint, for run.json. */
    public void record(RunRecord record, DataLocator.Found found) {
        record.put("data", "source", found.toString());
        record.put("data", "fingerprint", fingerprint());
        record.put("data", "files_seen", filesSeen);
        record.put("data", "images_indexed", images.rowCount());
        record.put("data", "problems", problems.rowCount());
    }

    /** Writes {@code index.csv} and {@code problems.csv} into the folder. */
    public void save(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Csv.write(images, workDir.resolve("index.csv"));
        Csv.write(problems, workDir.resolve("problems.csv"));
        Files.writeString(workDir.resolve("index.source"), dataDir.toAbsolutePath() + "\n" + filesSeen + "\n");
    }

    /** Reads back what {@link #save} wrote. */
    public static ImageIndex load(Path workDir) throws IOException {
        Path csv = workDir.resolve("index.csv");
        if (!Files.isRegularFile(csv)) {
            throw new IOException(csv + " does not exist: run 01_obtain first (it writes the index)");
        }
        Table images = readLike(emptyIndex(), csv);
        Table problems = readLike(emptyProblems(), workDir.resolve("problems.csv"));
        List<String> source = Files.readAllLines(workDir.resolve("index.source"));
        return new ImageIndex(Path.of(source.get(0)), images, problems, Integer.parseInt(source.get(1).trim()));
    }

    /** A CSV written by {@link #save}, read with the columns and types of the table it was written from. */
    private static Table readLike(Table empty, Path csv) throws IOException {
        Table t = Csv.read(csv, name -> empty.containsColumn(name) ? empty.column(name).type() : ColumnType.STRING)
                .require(empty.columnNames()).table();
        return t.selectColumns(empty.columnNames().toArray(String[]::new)).setName(empty.name());
    }

    static Table emptyIndex() {
        return Table.create("images",
                StringColumn.create(IndexColumns.FILE), IntColumn.create(IndexColumns.AGE),
                IntColumn.create(IndexColumns.GENDER), IntColumn.create(IndexColumns.RACE),
                StringColumn.create(IndexColumns.TIMESTAMP), IntColumn.create(IndexColumns.WIDTH),
                IntColumn.create(IndexColumns.HEIGHT), StringColumn.create(IndexColumns.SHA256),
                StringColumn.create(IndexColumns.PROBLEMS));
    }

    private static Table emptyProblems() {
        return Table.create("problems", StringColumn.create("file"), StringColumn.create("field"),
                StringColumn.create("problem"), StringColumn.create("action"));
    }

    private static void addProblem(Table t, String file, String field, String problem, String action) {
        t.stringColumn("file").append(file);
        t.stringColumn("field").append(field);
        t.stringColumn("problem").append(problem);
        t.stringColumn("action").append(action);
    }

    private static void appendOrMissing(IntColumn c, Integer v) {
        if (v == null) c.appendMissing(); else c.append(v);
    }
}
