package io.offsetlab.claims;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws a recorded {@link Figure} as inline SVG that scales with the page (a viewBox, width
 * 100% in the page's CSS). Every label has a line of its own, above its bar or below the
 * drawing, and long labels wrap, so no text overlaps another at any width: bars are drawn
 * under their label, marker lines and offsets are named in rows of their own, each row with a
 * tick at the marker's place. Colours come from the page's CSS classes (light and dark); every
 * number is also in words.
 */
final class Svg {

    static final int WIDTH = 400;
    private static final int PAD = 8;
    private static final int FONT = 15;
    private static final int LINE = 19;
    private static final int BAR = 14;
    /** Estimated width of a character of a sans-serif font at {@link #FONT}, generous so that labels fit. */
    private static final double CHAR = 0.62 * FONT;
    private static final String[] DASHES = {"4 3", "1 3", "8 3 2 3", "2 2"};

    private final StringBuilder body = new StringBuilder();
    private int y = PAD;

    private Svg() {
    }

    /** The figure as one {@code <svg>} element, with its title for screen readers. */
    static String draw(Figure figure) {
        Svg svg = new Svg();
        if (figure.isLog()) {
            svg.log(figure);
        } else {
            svg.bars(figure);
        }
        return svg.finish(figure.title());
    }

    private String finish(String title) {
        int height = y + PAD;
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 " + WIDTH + " " + height
                + "\" font-size=\"" + FONT + "\"><title>" + Page.escape(title) + "</title>" + body + "</svg>";
    }

    /** One bar per value from 0, its label and number above it; markers as dashed lines across the bars. */
    private void bars(Figure figure) {
        double max = 1;
        for (Figure.Value v : figure.values()) {
            max = Math.max(max, v.value());
        }
        for (Figure.Value m : figure.markers()) {
            max = Math.max(max, m.value());
        }
        Scale scale = new Scale(max, figure.logScale());
        for (Figure.Value v : figure.values()) {
            text(PAD, v.label() + ": " + number(v.value(), figure.unit()), "start", WIDTH - 2 * PAD);
            y += 4;
            double end = scale.x(v.value());
            body.append(v.value() > 0 ? rect(PAD, y, Math.max(1, end - PAD), BAR, "bar") : rect(PAD, y, 2, BAR, "zero"));
            for (int i = 0; i < figure.markers().size(); i++) {
                line(scale.x(figure.markers().get(i).value()), y - 2, y + BAR + 2, i);
            }
            y += BAR + 4;
        }
        markerRows(figure.markers(), figure.unit(), scale);
        if (figure.logScale()) {
            text(PAD, "logarithmic scale (each step ×10)", "start", WIDTH - 2 * PAD);
        }
    }

    /** The log from offset 0 to the highest mark, as cells when there are few, with each mark as a line across it. */
    private void log(Figure figure) {
        double end = 1;
        for (Figure.Value m : figure.values()) {
            end = Math.max(end, m.value());
        }
        Scale scale = new Scale(end, false);
        int top = y;
        int height = 22;
        body.append(rect(PAD, top, WIDTH - 2 * PAD, height, "log"));
        for (Figure.Value m : figure.values()) {
            if (m.label().equals("log start") && m.value() > 0) {
                body.append(rect(PAD, top, scale.x(m.value()) - PAD, height, "gone"));
            }
        }
        if (end <= 60) {
            for (int offset = 1; offset < end; offset++) {
                body.append(String.format(Locale.ROOT, "<line class=\"cell\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>",
                        scale.x(offset), top, scale.x(offset), top + height));
            }
        }
        for (int i = 0; i < figure.values().size(); i++) {
            line(scale.x(figure.values().get(i).value()), top - 4, top + height + 4, i);
        }
        y = top + height + 4;
        text(PAD, "offset 0", "start", WIDTH / 2 - PAD);
        y -= LINE;
        text(WIDTH - PAD, number(end, ""), "end", WIDTH / 2 - PAD);
        markerRows(figure.values(), "", scale);
    }

    /** A row per marker: a tick at its place (the same dashes as its line) and its name and value beside it. */
    private void markerRows(List<Figure.Value> markers, String unit, Scale scale) {
        for (int i = 0; i < markers.size(); i++) {
            Figure.Value m = markers.get(i);
            double x = scale.x(m.value());
            String label = m.label() + ": " + number(m.value(), unit);
            double right = WIDTH - PAD - (x + 6);
            double left = x - 6 - PAD;
            int rowTop = y + 4;
            if (right >= left) {
                text(x + 6, label, "start", right);
            } else {
                text(x - 6, label, "end", left);
            }
            line(x, rowTop, rowTop + LINE - 2, i);
        }
    }

    /** Text at {@code x} below the current line, wrapped to {@code room} units; moves down one line per wrapped line. */
    private void text(double x, String text, String anchor, double room) {
        for (String line : wrap(text, (int) Math.max(8, room / CHAR))) {
            y += LINE;
            body.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>", x, y - 4, anchor,
                    Page.escape(line)));
        }
    }

    private void line(double x, int y1, int y2, int index) {
        body.append(String.format(Locale.ROOT, "<line class=\"marker\" stroke-dasharray=\"%s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>",
                DASHES[index % DASHES.length], x, y1, x, y2));
    }

    private static String rect(double x, double y, double width, double height, String cssClass) {
        return String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", cssClass, x, y,
                width, height);
    }

    /** Greedy word wrap at {@code columns} characters; a word longer than that stands alone on its line. */
    static List<String> wrap(String text, int columns) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > columns) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    static String number(double value, String unit) {
        String n = value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.3f", value)
                .replaceAll("0+$", "");
        return unit.isEmpty() ? n : n + " " + unit;
    }

    /** Value to x, from {@link #PAD} (0) to the right edge (max); log: 1 and below at the left edge. */
    private record Scale(double max, boolean log) {
        double x(double value) {
            double span = WIDTH - 2 * PAD;
            if (log) {
                return value <= 1 ? PAD : PAD + span * Math.log10(value) / Math.log10(Math.max(max, 10));
            }
            return PAD + span * Math.max(0, value) / max;
        }
    }
}
