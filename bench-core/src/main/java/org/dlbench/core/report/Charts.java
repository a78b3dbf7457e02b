package org.dlbench.core.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.IntervalBarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.category.StatisticalLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.category.DefaultIntervalCategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report charts, drawn with JFreeChart and written as PNG. One look for all: white plot, light grid, one
 * colour per engine across every chart of a report (see {@link Palette}). A value whose verdict is not valid
 * carries a flag (its verdict): its bar is hatched, its point hollow, its label names the verdict, and the legend
 * says what hatching or hollow points mean. Invalid values are never passed in: callers leave them out and say so
 * with {@link #note}.
 */
public final class Charts {
    static {
        // Reports are written by command-line runs and CI jobs: never try to open a display.
        System.setProperty("java.awt.headless", "true");
    }

    public static final int WIDTH = 960;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
    static final Color FASTER = new Color(0x2E, 0x8B, 0x57);
    static final Color SLOWER = new Color(0xD6, 0x27, 0x28);
    static final Color SAME = new Color(0x6B, 0x6B, 0x6B);
    /** A larger, hollow point for a value that is not valid. */
    private static final java.awt.Shape FLAGGED_POINT = new java.awt.geom.Ellipse2D.Double(-6, -6, 12, 12);

    private Charts() {
    }

    /** A stable colour per name (engines, measures), in the order names are first asked for. */
    public static final class Palette {
        private static final Color[] COLORS = {new Color(0x4E79A7), new Color(0xF28E2B), new Color(0x59A14F),
            new Color(0xE15759), new Color(0xB07AA1), new Color(0x76B7B2), new Color(0xEDC948),
            new Color(0x9C755F), new Color(0xFF9DA7), new Color(0xBAB0AC)};
        private final Map<String, Color> assigned = new LinkedHashMap<>();

        public Palette(List<String> names) {
            names.forEach(this::color);
        }

        public Color color(String name) {
            return assigned.computeIfAbsent(name, n -> COLORS[assigned.size() % COLORS.length]);
        }
    }

    /**
     * One bar of a grouped bar chart: {@code series} (an engine) at {@code category}, with a +- error.
     *
     * @param flag the verdict of a value that is not valid ("noisy", "inconsistent", "no verdict"); null if valid
     */
    public record Bar(String series, String category, double value, double error, String flag) {
        public Bar(String series, String category, double value, double error) {
            this(series, category, value, error, null);
        }
    }

    /**
     * One point of a line chart; a NaN {@code y} leaves a gap (the line breaks there).
     *
     * @param flag the verdict of a value that is not valid; null if valid
     */
    public record Point(String series, double x, double y, String flag) {
        public Point(String series, double x, double y) {
            this(series, x, y, null);
        }
    }

    /** One row of the ratio (forest) chart. */
    public record Ratio(String label, double ratio, Double low, Double high, Color color) {
    }

    public static byte[] png(JFreeChart chart, int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Grouped bars with error bars, e.g. samples/s per engine at each batch size. */
    public static JFreeChart bars(String title, String categoryLabel, String valueLabel, List<Bar> bars,
                                  Palette palette, boolean horizontal) {
        boolean errors = bars.stream().anyMatch(b -> b.error() > 0);
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        for (Bar b : bars) {
            data.add(b.value(), Double.isNaN(b.error()) ? 0 : b.error(), b.series(), b.category());
        }
        String[][] flags = flags(data, bars.stream().map(b -> new Object[] {b.series(), b.category(), b.flag()})
                .toList());
        // without errors a plain bar renderer: no flat error whiskers on every bar
        BarRenderer r = errors ? new StatisticalBarRenderer() {
            @Override
            public Paint getItemPaint(int row, int column) {
                return flagged(flags, row, column) ? hatch(super.getItemPaint(row, column)) : super.getItemPaint(row, column);
            }
        } : new BarRenderer() {
            @Override
            public Paint getItemPaint(int row, int column) {
                return flagged(flags, row, column) ? hatch(super.getItemPaint(row, column)) : super.getItemPaint(row, column);
            }
        };
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        r.setItemMargin(0.05);
        r.setMaximumBarWidth(0.12);
        if (r instanceof StatisticalBarRenderer sr) {
            sr.setErrorIndicatorPaint(Color.DARK_GRAY);
        }
        if (horizontal) {
            r.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
        }
        r.setDefaultItemLabelGenerator(new FlagLabels(flags));
        r.setDefaultItemLabelsVisible(true);
        r.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        for (int i = 0; i < data.getRowCount(); i++) {
            r.setSeriesPaint(i, palette.color(data.getRowKey(i).toString()));
        }
        NumberAxis values = valueAxis(valueLabel);
        values.setUpperMargin(0.12); // room for the value labels
        CategoryAxis categories = categoryAxis(categoryLabel);
        if (!horizontal && data.getColumnCount() > 6) {
            categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        CategoryPlot plot = new CategoryPlot(data, categories, values, r);
        plot.setOrientation(horizontal ? PlotOrientation.HORIZONTAL : PlotOrientation.VERTICAL);
        if (horizontal) {
            plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        }
        addFlagLegend(plot, plot.getLegendItems(), bars.stream().map(Bar::flag).toList(), true);
        return finish(title, plot, true);
    }

    /** Flags by dataset row and column, from (series, category, flag) triples; null where valid. */
    private static String[][] flags(CategoryDataset data, List<Object[]> items) {
        String[][] out = new String[data.getRowCount()][data.getColumnCount()];
        for (Object[] it : items) {
            if (it[2] != null) {
                int row = data.getRowIndex((String) it[0]);
                int col = data.getColumnIndex((String) it[1]);
                if (row >= 0 && col >= 0) {
                    out[row][col] = (String) it[2];
                }
            }
        }
        return out;
    }

    private static boolean flagged(String[][] flags, int row, int column) {
        return row < flags.length && column < flags[row].length && flags[row][column] != null;
    }

    /** Diagonal stripes of the colour on a pale ground: a value shown, but not as a clean one. */
    static Paint hatch(Paint base) {
        Color c = base instanceof Color col ? col : SAME;
        int size = 8;
        java.awt.image.BufferedImage tile = new java.awt.image.BufferedImage(size, size,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = tile.createGraphics();
        try {
            g.setColor(new Color((c.getRed() + 3 * 255) / 4, (c.getGreen() + 3 * 255) / 4, (c.getBlue() + 3 * 255) / 4));
            g.fillRect(0, 0, size, size);
            g.setColor(c);
            g.setStroke(new BasicStroke(2.2f));
            g.drawLine(-1, size + 1, size + 1, -1);
            g.drawLine(-1, 1, 1, -1);
            g.drawLine(size - 1, size + 1, size + 1, size - 1);
        } finally {
            g.dispose();
        }
        return new java.awt.TexturePaint(tile, new java.awt.geom.Rectangle2D.Double(0, 0, size, size));
    }

    /** Value labels: the compact number, plus the verdict of a flagged value ("12.3k noisy"). */
    private static final class FlagLabels extends StandardCategoryItemLabelGenerator {
        private final String[][] flags;

        FlagLabels(String[][] flags) {
            super("{2}", new Compact());
            this.flags = flags;
        }

        @Override
        public String generateLabel(CategoryDataset dataset, int row, int column) {
            String label = super.generateLabel(dataset, row, column);
            return flagged(flags, row, column) ? label + " " + flags[row][column] : label;
        }
    }

    /** One more legend entry when some values are flagged: what their marking means. */
    private static void addFlagLegend(Plot plot, LegendItemCollection items, List<String> flags, boolean bars) {
        List<String> present = flags.stream().filter(java.util.Objects::nonNull).distinct().toList();
        if (present.isEmpty()) {
            return;
        }
        String text = (bars ? "hatched" : "hollow point") + ": not valid (" + String.join(", ", present) + ")";
        LegendItem item = bars
                ? new LegendItem(text, null, null, null, new java.awt.geom.Rectangle2D.Double(-6, -6, 12, 12),
                        hatch(SAME))
                : new LegendItem(text, null, null, null, true, new java.awt.geom.Ellipse2D.Double(-5, -5, 10, 10),
                        false, SAME, true, SAME, new BasicStroke(2f), false,
                        new java.awt.geom.Line2D.Double(-7, 0, 7, 0), new BasicStroke(2f), SAME);
        LegendItemCollection all = new LegendItemCollection();
        all.addAll(items);
        all.add(item);
        if (plot instanceof CategoryPlot cp) {
            cp.setFixedLegendItems(all);
        } else if (plot instanceof XYPlot xp) {
            xp.setFixedLegendItems(all);
        }
    }

    /**
     * A line of text under the plot, inside the image: what a chart leaves out ("not drawn: ..."), so the PNG
     * says it even when seen without its page.
     */
    public static JFreeChart note(JFreeChart chart, String text) {
        TextTitle t = new TextTitle(text, new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        t.setPaint(SLOWER);
        t.setPosition(RectangleEdge.BOTTOM);
        t.setMaximumLinesToDisplay(2);
        chart.addSubtitle(t);
        return chart;
    }

    /** Lines over a numeric x (batch size on a log2 axis, or thread count). */
    public static JFreeChart lines(String title, String xLabel, String yLabel, List<Point> points, boolean log2X,
                                   Palette palette) {
        XYSeriesCollection data = new XYSeriesCollection();
        Map<String, XYSeries> series = new LinkedHashMap<>();
        Map<String, String> pointFlags = new java.util.HashMap<>();
        for (Point p : points) {
            series.computeIfAbsent(p.series(), s -> {
                XYSeries xs = new XYSeries(s, true, false);
                data.addSeries(xs);
                return xs;
            }).add(p.x(), Double.isNaN(p.y()) ? null : (Number) p.y());
            if (p.flag() != null) {
                pointFlags.put(p.series() + "@" + p.x(), p.flag());
            }
        }
        ValueAxis x;
        if (log2X) {
            LogAxis log = new LogAxis(xLabel);
            log.setBase(2);
            log.setTickUnit(new NumberTickUnit(1));
            log.setNumberFormatOverride(new DecimalFormat("0"));
            log.setLowerMargin(0.08);
            log.setUpperMargin(0.08);
            x = log;
        } else {
            NumberAxis lin = new NumberAxis(xLabel);
            lin.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            lin.setAutoRangeIncludesZero(false);
            lin.setLowerMargin(0.08);
            lin.setUpperMargin(0.08);
            x = lin;
        }
        x.setLabelFont(LABEL);
        x.setTickLabelFont(TICK);
        java.util.function.BiFunction<Integer, Integer, String> flagAt = (s, i) ->
                pointFlags.get(data.getSeriesKey(s) + "@" + data.getXValue(s, i));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true) {
            @Override
            public boolean getItemShapeFilled(int s, int i) {
                return flagAt.apply(s, i) == null;
            }

            @Override
            public java.awt.Shape getItemShape(int s, int i) {
                return flagAt.apply(s, i) == null ? super.getItemShape(s, i) : FLAGGED_POINT;
            }

            @Override
            public boolean isItemLabelVisible(int s, int i) {
                return flagAt.apply(s, i) != null;
            }
        };
        r.setDefaultItemLabelGenerator((dataset, s, i) -> flagAt.apply(s, i));
        r.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        r.setDefaultItemLabelPaint(Color.DARK_GRAY);
        r.setDrawOutlines(true);
        r.setUseOutlinePaint(false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesPaint(i, palette.color(data.getSeriesKey(i).toString()));
            r.setSeriesStroke(i, new BasicStroke(2.5f));
        }
        XYPlot plot = new XYPlot(data, x, valueAxis(yLabel), r);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        addFlagLegend(plot, plot.getLegendItems(), points.stream().map(Point::flag).toList(), false);
        return finish(title, plot, true);
    }

    /**
     * Scores over runs: one line per series (engine), categories in run order, error bars from the run's own
     * interval. A series absent from a run leaves a gap.
     */
    public static JFreeChart trend(String title, List<String> runs, List<Bar> values, Palette palette) {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        List<String> series = values.stream().map(Bar::series).distinct().toList();
        for (String s : series) {
            for (String run : runs) {
                data.add(null, null, s, run); // keeps every run on the axis, in order
            }
        }
        for (Bar b : values) {
            data.add(b.value(), Double.isNaN(b.error()) ? 0 : b.error(), b.series(), b.category());
        }
        String[][] flags = flags(data, values.stream().map(b -> new Object[] {b.series(), b.category(), b.flag()})
                .toList());
        StatisticalLineAndShapeRenderer r = new StatisticalLineAndShapeRenderer(true, true) {
            @Override
            public boolean getItemShapeFilled(int row, int column) {
                return !flagged(flags, row, column);
            }

            @Override
            public java.awt.Shape getItemShape(int row, int column) {
                return flagged(flags, row, column) ? FLAGGED_POINT : super.getItemShape(row, column);
            }

            @Override
            public boolean isItemLabelVisible(int row, int column) {
                return flagged(flags, row, column);
            }
        };
        r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator() {
            @Override
            public String generateLabel(CategoryDataset dataset, int row, int column) {
                return flagged(flags, row, column) ? flags[row][column] : null;
            }
        });
        r.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        r.setDefaultItemLabelPaint(Color.DARK_GRAY);
        r.setErrorIndicatorPaint(Color.GRAY);
        for (int i = 0; i < data.getRowCount(); i++) {
            r.setSeriesPaint(i, palette.color(data.getRowKey(i).toString()));
            r.setSeriesStroke(i, new BasicStroke(2.5f));
        }
        CategoryAxis categories = categoryAxis("run");
        if (runs.size() > 4) {
            categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        CategoryPlot plot = new CategoryPlot(data, categories, valueAxis("samples/s"), r);
        addFlagLegend(plot, plot.getLegendItems(), values.stream().map(Bar::flag).toList(), false);
        return finish(title, plot, true);
    }

    /**
     * The comparison at a glance: each compared result's ratio (a dot coloured by verdict) with its confidence
     * interval (a bar), the 1.0 line and the threshold band around it.
     */
    public static JFreeChart ratios(String title, List<Ratio> rows, double threshold, int confidencePercent) {
        List<String> labels = rows.stream().map(Ratio::label).toList();
        Number[][] lows = new Number[1][rows.size()];
        Number[][] highs = new Number[1][rows.size()];
        DefaultCategoryDataset points = new DefaultCategoryDataset();
        double min = 1 - threshold;
        double max = 1 + threshold;
        for (int i = 0; i < rows.size(); i++) {
            Ratio r = rows.get(i);
            // an interval that is missing or unbounded is drawn as a point only; the table says why
            boolean bounded = r.low() != null && r.high() != null;
            lows[0][i] = bounded ? r.low() : r.ratio();
            highs[0][i] = bounded ? r.high() : r.ratio();
            points.addValue(r.ratio(), "ratio", r.label());
            min = Math.min(min, lows[0][i].doubleValue());
            max = Math.max(max, highs[0][i].doubleValue());
        }
        DefaultIntervalCategoryDataset intervals = new DefaultIntervalCategoryDataset(
                new String[] {confidencePercent + "% interval"}, labels.toArray(new String[0]), lows, highs);
        IntervalBarRenderer bars = new IntervalBarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setDrawBarOutline(false);
        bars.setSeriesPaint(0, new Color(0x9E, 0xB9, 0xD4));
        // about 12 px thick whatever the number of rows (the fraction is of the plot's height)
        bars.setMaximumBarWidth(12.0 / Math.max(140, heightFor(rows.size(), 34) - 120));
        LineAndShapeRenderer dots = new LineAndShapeRenderer(false, true) {
            @Override
            public Paint getItemPaint(int row, int column) {
                return rows.get(column).color();
            }
        };
        dots.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-6, -6, 12, 12));
        dots.setSeriesPaint(0, SAME);
        NumberAxis values = new NumberAxis("candidate / baseline throughput (above 1 = faster)");
        values.setAutoRangeIncludesZero(false);
        double pad = Math.max(0.02, (max - min) * 0.08);
        values.setRange(Math.max(0, min - pad), max + pad);
        values.setLabelFont(LABEL);
        values.setTickLabelFont(TICK);
        CategoryAxis categories = categoryAxis(null);
        categories.setMaximumCategoryLabelWidthRatio(0.45f);
        categories.setCategoryMargin(0.5); // the interval as a band, not a block
        CategoryPlot plot = new CategoryPlot(points, categories, values, dots);
        plot.setDataset(1, intervals);
        plot.setRenderer(1, bars);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        IntervalMarker band = new IntervalMarker(1 - threshold, 1 + threshold);
        band.setPaint(new Color(0xEE, 0xEE, 0xEE));
        plot.addRangeMarker(band, Layer.BACKGROUND);
        ValueMarker one = new ValueMarker(1.0);
        one.setPaint(Color.BLACK);
        one.setStroke(new BasicStroke(1.2f));
        plot.addRangeMarker(one, Layer.FOREGROUND);
        JFreeChart chart = finish(title, plot, false);
        return chart;
    }

    /** Height that leaves each category of a horizontal chart about {@code perRow} pixels. */
    public static int heightFor(int rows, int perRow) {
        return Math.max(260, 120 + rows * perRow);
    }

    private static NumberAxis valueAxis(String label) {
        NumberAxis a = new NumberAxis(label);
        a.setNumberFormatOverride(new Compact());
        a.setAutoRangeIncludesZero(true); // honest bars and slopes: zero is on the axis
        a.setLabelFont(LABEL);
        a.setTickLabelFont(TICK);
        return a;
    }

    private static CategoryAxis categoryAxis(String label) {
        CategoryAxis a = new CategoryAxis(label);
        a.setLabelFont(LABEL);
        a.setTickLabelFont(TICK);
        a.setCategoryMargin(0.2);
        return a;
    }

    private static JFreeChart finish(String title, Plot plot, boolean legend) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setInsets(new RectangleInsets(8, 8, 8, 16));
        if (plot instanceof CategoryPlot cp) {
            cp.setRangeGridlinePaint(GRID);
            cp.setDomainGridlinesVisible(false);
            if (cp.getRenderer() instanceof BarRenderer br) {
                br.setDefaultItemLabelPaint(Color.DARK_GRAY);
            }
        }
        JFreeChart chart = new JFreeChart(title, TITLE, plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        LegendTitle l = chart.getLegend();
        if (l != null) {
            l.setFrame(BlockBorder.NONE);
            l.setItemFont(LABEL);
            l.setPosition(RectangleEdge.TOP);
        }
        return chart;
    }

    /** 950, 12.3k, 1.25M: short numbers for ticks and bar labels. */
    static final class Compact extends NumberFormat {
        @Override
        public StringBuffer format(double v, StringBuffer to, FieldPosition pos) {
            double a = Math.abs(v);
            String s;
            if (a >= 1e9) {
                s = trim(v / 1e9) + "G";
            } else if (a >= 1e6) {
                s = trim(v / 1e6) + "M";
            } else if (a >= 1e3) {
                s = trim(v / 1e3) + "k";
            } else {
                s = trim(v);
            }
            return to.append(s);
        }

        private static String trim(double v) {
            double a = Math.abs(v);
            String s = String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
            return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        }

        @Override
        public StringBuffer format(long v, StringBuffer to, FieldPosition pos) {
            return format((double) v, to, pos);
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException("display only");
        }
    }

    static List<String> distinct(List<String> xs) {
        return new ArrayList<>(new java.util.LinkedHashSet<>(xs));
    }
}
