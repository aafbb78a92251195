package io.offsetlab.claims;

/**
 * The page's CSS, inline: system fonts only, light and dark colours (prefers-color-scheme), one
 * column that reads at 1280 px and at a phone's 400 px; the drawings scale to the column.
 * Badges carry their meaning in words; the colours only repeat it.
 */
final class Style {

    static final String CSS = """
            :root { color-scheme: light dark; --fg: #1d2127; --muted: #555d68; --bg: #ffffff; --card: #f6f7f9;
              --line: #d0d5dc; --link: #0b57d0; --bar: #3a6ea5; --zero: #8a2b2b; --marker: #b3261e; --log: #dfe6ee;
              --gone: #9aa3ad; --ok-bg: #dff3e4; --ok-fg: #14532d; --bad-bg: #fde2e1; --bad-fg: #7f1d1d;
              --warn-bg: #fff1cc; --warn-fg: #6b4a00; --info-bg: #e3ecfb; --info-fg: #173a73; }
            @media (prefers-color-scheme: dark) {
              :root { --fg: #e6e8eb; --muted: #a8b0ba; --bg: #14171b; --card: #1d2126; --line: #3a4048; --link: #8ab4f8;
                --bar: #6fa3dc; --zero: #f29b9b; --marker: #ff8a80; --log: #2c343d; --gone: #5b636d;
                --ok-bg: #163b22; --ok-fg: #b7ecc6; --bad-bg: #4a1a1a; --bad-fg: #ffc9c5; --warn-bg: #3d3214;
                --warn-fg: #ffe08a; --info-bg: #1b2b47; --info-fg: #c2d6fb; }
            }
            * { box-sizing: border-box; }
            body { margin: 0 auto; max-width: 60rem; padding: 1rem; font: 16px/1.5 system-ui, -apple-system, "Segoe UI",
              "Noto Sans", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; color: var(--fg); background: var(--bg); }
            a { color: var(--link); }
            h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0; }
            h2 { font-size: 1.15rem; line-height: 1.35; margin: 0 0 0.5rem; }
            code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.9em; overflow-wrap: anywhere; }
            .switch { text-align: right; margin: 0; }
            .counts { font-weight: 600; }
            section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 0.9rem 1rem;
              margin: 1rem 0; overflow-wrap: anywhere; }
            .sec { color: var(--muted); font-weight: normal; }
            dl { display: grid; grid-template-columns: 11rem 1fr; gap: 0.3rem 1rem; margin: 0 0 0.6rem; }
            dt { color: var(--muted); }
            dd { margin: 0; }
            @media (max-width: 640px) { dl { grid-template-columns: 1fr; gap: 0.1rem; } dd { margin-bottom: 0.4rem; } }
            .badge { display: inline-block; padding: 0 0.5rem; border-radius: 4px; border: 1px solid currentColor;
              font-weight: 600; }
            .verdict-correct, .result-proved { background: var(--ok-bg); color: var(--ok-fg); }
            .verdict-wrong, .result-failed { background: var(--bad-bg); color: var(--bad-fg); }
            .verdict-imprecise, .result-notrun { background: var(--warn-bg); color: var(--warn-fg); }
            .verdict-missing { background: var(--info-bg); color: var(--info-fg); }
            .reason { display: block; color: var(--muted); }
            details { margin: 0.4rem 0; }
            details ul, ul.words { margin: 0.3rem 0; padding-left: 1.2rem; }
            .figures { display: flex; flex-wrap: wrap; gap: 1rem; }
            figure { margin: 0; flex: 1 1 20rem; max-width: 28rem; min-width: 0; }
            figure svg { display: block; width: 100%; height: auto; }
            figcaption { color: var(--muted); font-size: 0.9rem; }
            .ftitle { font-weight: 600; margin: 0 0 0.2rem; }
            .nofig, p.words { color: var(--muted); margin: 0.3rem 0; flex-basis: 100%; }
            ul.words { flex-basis: 100%; }
            svg text { fill: var(--fg); }
            svg .bar { fill: var(--bar); }
            svg .zero { fill: var(--zero); }
            svg .marker { stroke: var(--marker); stroke-width: 2; }
            svg .log { fill: var(--log); stroke: var(--line); }
            svg .gone { fill: var(--gone); }
            svg .cell { stroke: var(--line); stroke-width: 1; }
            """;

    private Style() {
    }
}
