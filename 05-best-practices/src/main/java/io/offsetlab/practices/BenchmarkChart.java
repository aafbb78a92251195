package io.offsetlab.practices;

import io.offsetlab.practices.CommitBenchmark.Summary;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Draws the benchmark's medians as horizontal bars with min..max lines on a logarithmic axis
 * (per-record commits are orders of magnitude slower; on a linear axis their bar would vanish).
 * Plain Java2D, headless, so that the chart comes from the same run as the CSV, with no
 * plotting tool to install.
 */
final class BenchmarkChart {

    private static final int WIDTH = 900;
    private static final int ROW = 44;
    private static final int LEFT = 230;
    private static final int RIGHT = 40;
    private static final int TOP = 60;
    private static final int BOTTOM = 50;

    private BenchmarkChart() {
    }

    static void write(Path file, List<Summary> summaries, String subtitle) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int height = TOP + ROW * summaries.size() + BOTTOM;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);

        double low = Math.floor(Math.log10(summaries.stream().mapToDouble(Summary::min).min().orElse(1)));
        double high = Math.ceil(Math.log10(summaries.stream().mapToDouble(Summary::max).max().orElse(10)));
        Axis axis = new Axis(low, high, LEFT, WIDTH - RIGHT);

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Records per second by commit strategy (log scale)", LEFT - 200, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(subtitle, LEFT - 200, 44);
        drawGrid(g, axis, height);
        for (int i = 0; i < summaries.size(); i++) {
            drawRow(g, axis, summaries.get(i), TOP + i * ROW);
        }
        g.dispose();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private record Axis(double lowExp, double highExp, int x0, int x1) {
        int x(double value) {
            double share = (Math.log10(value) - lowExp) / (highExp - lowExp);
            return (int) Math.round(x0 + share * (x1 - x0));
        }
    }

    private static void drawGrid(Graphics2D g, Axis axis, int height) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int exp = (int) axis.lowExp(); exp <= (int) axis.highExp(); exp++) {
            int x = axis.x(Math.pow(10, exp));
            g.setColor(new Color(220, 220, 220));
            g.drawLine(x, TOP - 6, x, height - BOTTOM + 4);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, "%,.0f", Math.pow(10, exp));
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, height - BOTTOM + 20);
        }
    }

    private static void drawRow(Graphics2D g, Axis axis, Summary s, int y) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(s.strategy().label, 10, y + 22);
        int barEnd = axis.x(s.median());
        g.setColor(s.strategy() == CommitBenchmark.Strategy.NO_COMMIT ? new Color(150, 150, 150) : new Color(70, 120, 180));
        g.fillRect(axis.x0(), y + 8, Math.max(1, barEnd - axis.x0()), ROW - 16);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(2));
        g.drawLine(axis.x(s.min()), y + ROW / 2, axis.x(s.max()), y + ROW / 2);
        g.drawLine(axis.x(s.min()), y + ROW / 2 - 5, axis.x(s.min()), y + ROW / 2 + 5);
        g.drawLine(axis.x(s.max()), y + ROW / 2 - 5, axis.x(s.max()), y + ROW / 2 + 5);
        String value = String.format(Locale.ROOT, "%,.0f", s.median());
        int textX = Math.min(axis.x(s.max()) + 6, WIDTH - RIGHT - g.getFontMetrics().stringWidth(value));
        g.drawString(value, textX, y + 16);
    }
}
