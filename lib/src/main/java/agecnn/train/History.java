package agecnn.train;

import agecnn.eval.Metrics;
import agecnn.io.Csv;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The epochs of one model's training, in order, and the best of them (by validation accuracy). */
public final class History {

    private final String model;
    private final List<EpochStats> epochs;

    public History(String model, List<EpochStats> epochs) {
        this.model = model;
        this.epochs = List.copyOf(epochs);
    }

    public String model() { return model; }

    public List<EpochStats> epochs() { return epochs; }

    public int size() { return epochs.size(); }

    /** The epoch with the highest validation accuracy (the earliest of equals): the one whose weights are kept. */
    public EpochStats best() {
        if (epochs.isEmpty()) throw new IllegalStateException(model + " has no epoch yet");
        EpochStats best = epochs.get(0);
        for (EpochStats e : epochs) if (e.valAccuracy() > best.valAccuracy()) best = e;
        return best;
    }

    /** One row per epoch: epoch, the losses and accuracies, learning rate, seconds, images/s. */
    public Table table() {
        Table t = Table.create(model + " training history", IntColumn.create("epoch"), DoubleColumn.create("fit_loss"),
                DoubleColumn.create("train_loss"), DoubleColumn.create("train_accuracy"), DoubleColumn.create("val_loss"),
                DoubleColumn.create("val_accuracy"), DoubleColumn.create("learning_rate"), DoubleColumn.create("seconds"),
                DoubleColumn.create("images_per_s"));
        for (EpochStats e : epochs) {
            t.intColumn("epoch").append(e.epoch());
            t.doubleColumn("fit_loss").append(Metrics.round(e.fitLoss(), 4));
            t.doubleColumn("train_loss").append(Metrics.round(e.trainLoss(), 4));
            t.doubleColumn("train_accuracy").append(Metrics.round(e.trainAccuracy(), 4));
            t.doubleColumn("val_loss").append(Metrics.round(e.valLoss(), 4));
            t.doubleColumn("val_accuracy").append(Metrics.round(e.valAccuracy(), 4));
            t.doubleColumn("learning_rate").append(e.learningRate());
            t.doubleColumn("seconds").append(Metrics.round(e.seconds(), 1));
            t.doubleColumn("images_per_s").append(Metrics.round(e.imagesPerSecond(), 1));
        }
        return t;
    }

    public void saveCsv(Path csv) throws IOException {
        Csv.write(table(), csv);
    }

    History with(EpochStats e) {
        List<EpochStats> l = new ArrayList<>(epochs);
        l.add(e);
        return new History(model, Collections.unmodifiableList(l));
    }

}
