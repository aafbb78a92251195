package io.offsetlab.practices.benchmark;

import io.offsetlab.practices.benchmark.BenchmarkReport.Summary;
import io.offsetlab.practices.benchmark.CommitBenchmark.Mode;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The commit-interval trade-off in one picture: throughput as a share of no commit at the same
 * handler cost (top, linear axis from 0, so that both handler costs read alike) and the
 * largest uncommitted window (bottom, log axis: it spans 1 to thousands of records) against
 * the commit interval, one line per commit call and handler cost, medians with min..max
 * whiskers. No value labels, so nothing can collide; the table and CSV carry the numbers.
 * Plain Java2D, headless: the chart comes from the same run as the CSV.
 */
final class BenchmarkChart {

    private static final List<String> INTERVALS = List.of("1", "10", "100", "batch", "1000");
    private static final Color[] COLORS = {new Color(40, 100, 170), new Color(215, 110, 20), new Color(40, 150, 70)};
    private static final Color GRID = new Color(225, 225, 225);
    private static final int WIDTH = 1000;
    private static final int LEFT = 110;
    private static final int RIGHT = 30;
    private static final int PANEL = 260;
    private static final int TOP_PANEL_Y = 100;
    private static final int BOTTOM_PANEL_Y = TOP_PANEL_Y + PANEL + 70;
    private static final int LEGEND_Y = BOTTOM_PANEL_Y + PANEL + 60;

    private BenchmarkChart() {
    }

    /** The picture, every text's box, and the two panels' plot areas, where only data is drawn. */
    record Rendered(BufferedImage image, List<Rectangle> texts, List<Rectangle> plots) {
    }

    /** {@code subtitle}: the run's setup and where it ran, each line drawn under the title. */
    static void write(Path file, List<Summary> summaries, List<String> subtitle) throws IOException {
        BufferedImage image = render(summaries, subtitle).image();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(image, "png", file.toFile());
    }

    static Rendered render(List<Summary> summaries, List<String> subtitle) {
        System.setProperty("java.awt.headless", "true");
        List<Rectangle> texts = new ArrayList<>();
        List<Integer> work = summaries.stream().map(Summary::workMicros).distinct().toList();
        int height = LEGEND_Y + 24 * (work.size() + 1) + 20;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        text(g, texts, "§5 What a commit interval costs (records/s) and buys (records a crash re-reads)", 20, 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i < subtitle.size(); i++) {
            text(g, texts, subtitle.get(i), 20, 46 + 16 * i);
        }

        double highest = summaries.stream().mapToDouble(s -> share(summaries, s, s.rate().max())).max().orElse(100);
        Axis throughput = new Axis(TOP_PANEL_Y, 0, 25 * Math.ceil(Math.max(100, highest) / 25), false);
        long widest = summaries.stream().filter(s -> s.strategy().commitsByHand() || s.strategy().mode() == Mode.AUTO)
                .mapToLong(Summary::maxUncommitted).max().orElse(10);
        Axis window = new Axis(BOTTOM_PANEL_Y, 0, Math.ceil(Math.log10(Math.max(10, widest))), true);
        drawPanel(g, texts, throughput, "records/s, % of no commit at the same handler cost");
        drawPanel(g, texts, window, "largest uncommitted window (records)");
        for (int w = 0; w < work.size(); w++) {
            drawWorkLevel(g, summaries, work.get(w), w, work.size(), throughput, window);
        }
        drawLegend(g, texts, work);
        g.dispose();
        return new Rendered(image, texts, List.of(throughput.plot(), window.plot()));
    }

    /** Draws {@code s} and notes the box it takes. */
    private static void text(Graphics2D g, List<Rectangle> texts, String s, int x, int y) {
        g.drawString(s, x, y);
        FontMetrics metrics = g.getFontMetrics();
        texts.add(new Rectangle(x, y - metrics.getAscent(), metrics.stringWidth(s), metrics.getAscent() + metrics.getDescent()));
    }

    /** A panel's vertical axis: linear from low to high, or log10 with low and high as exponents. */
    private record Axis(int y0, double low, double high, boolean log) {
        /** Where the data of this panel is drawn. */
        Rectangle plot() {
            return new Rectangle(LEFT, y0, WIDTH - RIGHT - LEFT, PANEL);
        }

        int y(double value) {
            double v = log ? Math.log10(Math.max(1, value)) : value;
            return (int) Math.round(y0 + PANEL - (v - low) / (high - low) * PANEL);
        }

        List<Double> ticks() {
            int steps = log ? (int) (high - low) : (int) Math.round((high - low) / 25); // linear: the % axis, every 25%
            return java.util.stream.IntStream.rangeClosed(0, steps)
                    .mapToObj(i -> log ? Math.pow(10, low + i) : low + i * (high - low) / steps).toList();
        }
    }

    private static int x(int interval) {
        int slot = (WIDTH - LEFT - RIGHT) / INTERVALS.size();
        return LEFT + slot / 2 + interval * slot;
    }

    private static void drawPanel(Graphics2D g, List<Rectangle> texts, Axis axis, String title) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double tick : axis.ticks()) {
            int y = axis.y(tick);
            g.setColor(GRID);
            g.drawLine(LEFT, y, WIDTH - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            String label = axis.log() ? tickLabel(tick) : trim(tick) + "%";
            text(g, texts, label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, axis.y0() + PANEL, WIDTH - RIGHT, axis.y0() + PANEL);
        for (int i = 0; i < INTERVALS.size(); i++) {
            String label = INTERVALS.get(i).equals("batch") ? "per poll batch (<= 500)" : "every " + INTERVALS.get(i);
            text(g, texts, label, x(i) - g.getFontMetrics().stringWidth(label) / 2, axis.y0() + PANEL + 16);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        text(g, texts, title + (axis.log() ? ", log scale" : ""), LEFT, axis.y0() - 10);
    }

    private static void drawWorkLevel(Graphics2D g, List<Summary> summaries, int work, int index, int levels,
                                      Axis throughput, Axis window) {
        Color color = COLORS[index % COLORS.length];
        horizontal(g, throughput.y(100), Color.BLACK, dotted());
        row(summaries, Mode.AUTO, work).ifPresent(s -> horizontal(g, window.y(s.maxUncommitted()), color, dotted()));
        if (index == 0) {
            row(summaries, Mode.PERF_TOOL, work).ifPresent(s -> horizontal(g, throughput.y(share(summaries, s, s.rate().median())),
                    Color.GRAY, dashed()));
        }
        for (Mode mode : List.of(Mode.SYNC, Mode.ASYNC)) {
            int series = index * 2 + (mode == Mode.SYNC ? 0 : 1);
            int shift = (series * 2 - (levels * 2 - 1)) * 4; // side by side, so whiskers never overlap
            Stroke stroke = mode == Mode.SYNC ? new BasicStroke(2) : dashed();
            line(g, summaries, mode, work, color, stroke, shift, throughput, false);
            line(g, summaries, mode, work, color, stroke, shift, window, true);
        }
    }

    private static void line(Graphics2D g, List<Summary> summaries, Mode mode, int work, Color color, Stroke stroke,
                             int shift, Axis axis, boolean window) {
        int lastX = -1;
        int lastY = -1;
        for (int i = 0; i < INTERVALS.size(); i++) {
            String interval = INTERVALS.get(i);
            Optional<Summary> point = summaries.stream().filter(s -> s.workMicros() == work && s.strategy().mode() == mode
                    && s.strategy().interval().equals(interval)).findFirst();
            if (point.isEmpty()) {
                continue;
            }
            Summary s = point.get();
            int x = x(i) + shift;
            int y = axis.y(window ? s.maxUncommitted() : share(summaries, s, s.rate().median()));
            g.setColor(color);
            if (lastX >= 0) {
                g.setStroke(stroke);
                g.drawLine(lastX, lastY, x, y);
            }
            g.setStroke(new BasicStroke(1.5f));
            if (!window) {
                g.drawLine(x, axis.y(share(summaries, s, s.rate().min())), x, axis.y(share(summaries, s, s.rate().max())));
            }
            g.fillOval(x - 4, y - 4, 8, 8);
            lastX = x;
            lastY = y;
        }
    }

    /** {@code recordsPerSecond} as a percentage of the no-commit median at the row's handler cost. */
    private static double share(List<Summary> summaries, Summary row, double recordsPerSecond) {
        double noCommit = row(summaries, Mode.NONE, row.workMicros()).map(s -> s.rate().median()).orElse(Double.NaN);
        return 100 * recordsPerSecond / noCommit;
    }

    private static Optional<Summary> row(List<Summary> summaries, Mode mode, int work) {
        return summaries.stream().filter(s -> s.workMicros() == work && s.strategy().mode() == mode).findFirst();
    }

    private static void horizontal(Graphics2D g, int y, Color color, Stroke stroke) {
        g.setColor(color);
        g.setStroke(stroke);
        g.drawLine(LEFT, y, WIDTH - RIGHT, y);
    }

    private static void drawLegend(Graphics2D g, List<Rectangle> texts, List<Integer> work) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int w = 0; w < work.size(); w++) {
            Color color = COLORS[w % COLORS.length];
            int y = LEGEND_Y + w * 24;
            legendEntry(g, texts, 20, y, color, new BasicStroke(2), "commitSync, handler " + work.get(w) + " µs/record");
            legendEntry(g, texts, 300, y, color, dashed(), "commitAsync, " + work.get(w) + " µs");
            legendEntry(g, texts, 520, y, color, dotted(), "bottom: auto commit (" + work.get(w) + " µs)");
        }
        legendEntry(g, texts, 20, LEGEND_Y + work.size() * 24, Color.GRAY, dashed(), "top: kafka-consumer-perf-test (reference)");
        legendEntry(g, texts, 380, LEGEND_Y + work.size() * 24, Color.BLACK, dotted(), "top: no commit (100%)");
        text(g, texts, "dots: medians; whiskers: min..max", 640, LEGEND_Y + work.size() * 24);
    }

    private static void legendEntry(Graphics2D g, List<Rectangle> texts, int x, int y, Color color, Stroke stroke, String text) {
        g.setColor(color);
        g.setStroke(stroke);
        g.drawLine(x, y - 4, x + 30, y - 4);
        g.setColor(Color.BLACK);
        text(g, texts, text, x + 38, y);
    }

    private static Stroke dashed() {
        return new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 5}, 0);
    }

    private static Stroke dotted() {
        return new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {2, 4}, 0);
    }

    /** 2.5M, 500k, 100. */
    private static String tickLabel(double value) {
        if (value >= 1e6) {
            return String.format(Locale.ROOT, "%sM", trim(value / 1e6));
        }
        return value >= 1e3 ? String.format(Locale.ROOT, "%sk", trim(value / 1e3)) : trim(value);
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
