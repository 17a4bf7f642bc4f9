package dev.cascade4j.cli.calibration;

import java.util.List;
import java.util.Locale;

/**
 * The cost–quality curve of a calibration run as a self-contained SVG: share of subtasks kept on the
 * SLM against the cascade's accuracy, one threshold swept over every route, with the chosen per-route
 * thresholds, all-SLM and all-large marked.
 */
public final class CostQualityChart {
    /** One point: share kept on the SLM and accuracy, both in [0, 1]. */
    public record Point(double kept, double accuracy) {
    }

    private static final int W = 640;
    private static final int H = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;

    private CostQualityChart() {
    }

    public static String svg(String title, List<Point> curve, Point chosen, Point allSlm, Point allLarge) {
        double lo = 1;
        double hi = 0;
        for (Point p : concat(curve, chosen, allSlm, allLarge)) {
            lo = Math.min(lo, p.accuracy());
            hi = Math.max(hi, p.accuracy());
        }
        // Round the accuracy axis out to tenths so the scale reads at a glance.
        lo = Math.max(0, Math.floor(lo * 10 - 1e-9) / 10);
        hi = Math.min(1, Math.ceil(hi * 10 + 1e-9) / 10);
        if (hi - lo < 0.1) {
            hi = Math.min(1, lo + 0.1);
            lo = hi - 0.1;
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", W, H, W, H));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\" font-weight=\"bold\">%s</text>%n", LEFT, escape(title)));
        for (int i = 0; i <= 10; i++) {
            double x = x(i / 10.0);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n", x, TOP, x, H - BOTTOM));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d%%</text>%n", x, H - BOTTOM + 16, i * 10));
        }
        int steps = (int) Math.round((hi - lo) * 20);
        for (int i = 0; i <= steps; i++) {
            double a = lo + (hi - lo) * i / steps;
            double y = y(a, lo, hi);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n", LEFT, y, W - RIGHT, y));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f%%</text>%n", LEFT - 6, y + 4, 100 * a));
        }
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
                LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">share of subtasks kept on the SLM</text>%n",
                (LEFT + W - RIGHT) / 2, H - 20));
        b.append(String.format(Locale.ROOT, "<text transform=\"translate(18 %d) rotate(-90)\" text-anchor=\"middle\">accuracy</text>%n",
                (TOP + H - BOTTOM) / 2));
        if (!curve.isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (Point p : curve) {
                path.append(path.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x(p.kept()), y(p.accuracy(), lo, hi)));
            }
            b.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n");
        }
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\" stroke-dasharray=\"4 4\"/>%n",
                LEFT, y(allLarge.accuracy(), lo, hi), W - RIGHT, y(allLarge.accuracy(), lo, hi)));
        marker(b, allLarge, lo, hi, "#555", "all-large", -8);
        marker(b, allSlm, lo, hi, "#555", "all-SLM", -8);
        marker(b, chosen, lo, hi, "#d62728", "chosen thresholds", 18); // below, so it stays readable on top of a reference point
        b.append("</svg>\n");
        return b.toString();
    }

    private static void marker(StringBuilder b, Point p, double lo, double hi, String color, String label, int dy) {
        double x = x(p.kept());
        double y = y(p.accuracy(), lo, hi);
        b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>%n", x, y, color));
        boolean right = x < W - 200;
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" text-anchor=\"%s\">%s %.0f%% kept, %.1f%%</text>%n",
                right ? x + 8 : x - 8, y + dy, color, right ? "start" : "end", label, 100 * p.kept(), 100 * p.accuracy()));
    }

    private static double x(double kept) {
        return LEFT + kept * (W - LEFT - RIGHT);
    }

    private static double y(double accuracy, double lo, double hi) {
        return H - BOTTOM - (accuracy - lo) / (hi - lo) * (H - TOP - BOTTOM);
    }

    private static List<Point> concat(List<Point> curve, Point... more) {
        java.util.ArrayList<Point> all = new java.util.ArrayList<>(curve);
        all.addAll(List.of(more));
        return all;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
