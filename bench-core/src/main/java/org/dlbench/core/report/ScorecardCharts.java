package org.dlbench.core.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlbench.core.scorecard.Dimension;
import org.dlbench.core.scorecard.EngineRow;
import org.dlbench.core.scorecard.Scorecard;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * The scorecard's charts: a grouped bar chart of the dimension indices per engine, and per workload family a heat
 * map of relative throughput (engine x workload and mode), drawn with JFreeChart like the rest of the report.
 */
public final class ScorecardCharts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private ScorecardCharts() {
    }

    /** One bar per engine for each dimension it has a number for; null when no engine has one. */
    public static JFreeChart dimensions(Scorecard s, Charts.Palette palette) {
        List<Charts.Bar> bars = new ArrayList<>();
        for (Dimension d : Dimension.values()) {
            for (EngineRow r : s.rows()) {
                Double v = r.dimension(d);
                if (v != null) {
                    bars.add(new Charts.Bar(r.label(), d.label(), v, 0));
                }
            }
        }
        return bars.isEmpty() ? null : Charts.bars("Scorecard: dimension indices per engine (1 = best)", null,
                "index (1 = best engine)", bars, palette, false);
    }

    /**
     * Engines (rows) by workload and mode (columns): the geometric mean of each engine's throughput relative to the
     * fastest engine there, darker green nearer 1; an empty square where the engine has no valid cell.
     */
    public static JFreeChart heatMap(String family, Map<String, Map<String, Double>> byEngine) {
        List<String> engines = new ArrayList<>(byEngine.keySet());
        LinkedHashSet<String> cols = new LinkedHashSet<>();
        byEngine.values().forEach(m -> cols.addAll(m.keySet()));
        List<String> columns = new ArrayList<>(cols);
        List<double[]> items = new ArrayList<>();
        for (int y = 0; y < engines.size(); y++) {
            for (Map.Entry<String, Double> e : byEngine.get(engines.get(y)).entrySet()) {
                items.add(new double[] {columns.indexOf(e.getKey()), y, e.getValue()});
            }
        }
        double[][] data = new double[3][items.size()];
        for (int i = 0; i < items.size(); i++) {
            data[0][i] = items.get(i)[0];
            data[1][i] = items.get(i)[1];
            data[2][i] = items.get(i)[2];
        }
        DefaultXYZDataset ds = new DefaultXYZDataset();
        ds.addSeries("relative throughput", data);
        SymbolAxis x = new SymbolAxis(null, columns.toArray(new String[0]));
        x.setTickLabelFont(LABEL);
        x.setGridBandsVisible(false);
        x.setLowerMargin(0);
        x.setUpperMargin(0);
        SymbolAxis y = new SymbolAxis(null, engines.toArray(new String[0]));
        y.setTickLabelFont(LABEL);
        y.setGridBandsVisible(false);
        y.setInverted(true);
        XYBlockRenderer r = new XYBlockRenderer();
        r.setPaintScale(new Greens());
        XYPlot plot = new XYPlot(ds, x, y, r);
        plot.setBackgroundPaint(new Color(0xF4, 0xF4, 0xF4));
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setOutlineVisible(false);
        plot.setInsets(new RectangleInsets(8, 8, 8, 16));
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        for (double[] it : items) {
            XYTextAnnotation a = new XYTextAnnotation(String.format(Locale.ROOT, "%.2f", it[2]), it[0], it[1]);
            a.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            a.setPaint(it[2] > 0.6 ? Color.WHITE : Color.DARK_GRAY);
            plot.addAnnotation(a);
        }
        JFreeChart chart = new JFreeChart("Scorecard " + family + ": throughput relative to the fastest engine",
                new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        NumberAxis scale = new NumberAxis("relative throughput (1 = fastest)");
        scale.setRange(0, 1);
        scale.setTickLabelFont(LABEL);
        scale.setLabelFont(LABEL);
        PaintScaleLegend legend = new PaintScaleLegend(new Greens(), scale);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(8, 8, 8, 8);
        legend.setStripWidth(14);
        legend.setFrame(BlockBorder.NONE);
        legend.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(legend);
        return chart;
    }

    /** Chart height for a heat map of this many engines. */
    public static int heatHeight(int engines) {
        return Math.max(220, 110 + 46 * engines);
    }

    /** White-ish at 0 to dark green at 1. */
    private static final class Greens implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double v) {
            double t = Math.max(0, Math.min(1, Double.isNaN(v) ? 0 : v));
            return new Color((int) Math.round(0xEE + t * (0x1B - 0xEE)), (int) Math.round(0xF5 + t * (0x6E - 0xF5)),
                    (int) Math.round(0xEE + t * (0x3A - 0xEE)));
        }
    }
}
