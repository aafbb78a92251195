package io.offsetlab.lab.view;

import java.util.stream.Collectors;

/**
 * How many terminal columns a line takes. A Chinese character takes two (East Asian "wide"
 * and "fullwidth" characters, Unicode UAX #11), every other printable character one. The
 * demos keep every line within {@link #TERMINAL} columns, so that their pictures and tables
 * stay whole in an ordinary terminal.
 */
public final class Columns {

    /** The widest line a demo prints: a common terminal width. */
    public static final int TERMINAL = 100;

    private Columns() {
    }

    public static int of(String line) {
        return line.codePoints().map(c -> isWide(c) ? 2 : 1).sum();
    }

    /**
     * The text broken at spaces into lines of at most {@code width} columns, each line after
     * the first indented by {@code indent} (a word longer than a line stays whole). Each line
     * of a text of several lines is wrapped on its own.
     */
    public static String wrap(String text, int width, String indent) {
        return text.lines().map(line -> wrapLine(line, width, indent)).collect(Collectors.joining("\n"));
    }

    private static String wrapLine(String text, int width, String indent) {
        if (of(text) <= width) {
            return text;
        }
        String words = text.stripLeading();
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(text.substring(0, text.length() - words.length())); // keeps a leading indent
        boolean lineEmpty = true;
        for (String word : words.split(" ", -1)) { // empty words keep runs of spaces, e.g. a table's padding
            if (!lineEmpty && !word.isEmpty() && of(line + " " + word) > width) {
                out.append(line.toString().stripTrailing()).append('\n');
                line = new StringBuilder(indent);
                lineEmpty = true;
            }
            if (lineEmpty && word.isEmpty()) {
                continue; // a continuation line starts at its indent
            }
            line.append(lineEmpty ? "" : " ").append(word);
            lineEmpty = false;
        }
        return out.append(line).toString();
    }

    /** The wide ranges a Chinese reader's text uses: CJK ideographs, kana, Hangul, CJK and fullwidth punctuation. */
    static boolean isWide(int c) {
        return (c >= 0x1100 && c <= 0x115F)      // Hangul Jamo
                || (c >= 0x2E80 && c <= 0x303E)  // CJK radicals, symbols and punctuation (。，、「」)
                || (c >= 0x3041 && c <= 0x33FF)  // kana, CJK compatibility
                || (c >= 0x3400 && c <= 0x4DBF)  // CJK extension A
                || (c >= 0x4E00 && c <= 0x9FFF)  // CJK unified ideographs
                || (c >= 0xAC00 && c <= 0xD7A3)  // Hangul syllables
                || (c >= 0xF900 && c <= 0xFAFF)  // CJK compatibility ideographs
                || (c >= 0xFE30 && c <= 0xFE4F)  // CJK compatibility forms
                || (c >= 0xFF00 && c <= 0xFF60)  // fullwidth forms (，？：)
                || (c >= 0xFFE0 && c <= 0xFFE6)
                || (c >= 0x20000 && c <= 0x3FFFD); // CJK extensions B and later
    }
}
