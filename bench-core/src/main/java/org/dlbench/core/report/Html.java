package org.dlbench.core.report;

import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.jfree.chart.JFreeChart;

/** Just enough HTML: escaping, a page with inline CSS, tables, and charts as PNG data URIs (one file, no network). */
public final class Html {
    private Html() {
    }

    private static final String CSS = """
            body{font-family:"DejaVu Sans",system-ui,sans-serif;color:#222;max-width:1040px;margin:24px auto;\
            padding:0 16px;line-height:1.4}
            h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:4px}
            h3{margin-bottom:.3em}
            table{border-collapse:collapse;font-size:13px;margin:8px 0 16px}
            th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
            th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
            .faster{color:#2e8b57;font-weight:bold}.slower{color:#d62728;font-weight:bold}.bad{color:#d62728}.warn{color:#b35c00}
            .wide{overflow-x:auto}td.n{white-space:nowrap}.muted{color:#666}ul.meta{padding-left:18px}
            figure{margin:12px 0 24px}img{max-width:100%;height:auto;border:1px solid #eee}
            .summary{font-size:1.1em;padding:8px 12px;background:#f7f7f7;border-left:4px solid #888}
            .summary.fail{border-left-color:#d62728}.summary.ok{border-left-color:#2e8b57}
            """;

    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    public static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + esc(title)
                + "</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
    }

    /** A chart as an inline PNG; {@code alt} says in words what it shows. */
    public static String chart(JFreeChart chart, int width, int height, String alt) {
        byte[] png = Charts.png(chart, width, height);
        return "<figure><img class=\"chart\" width=\"" + width + "\" height=\"" + height + "\" alt=\"" + esc(alt)
                + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\"></figure>\n";
    }

    /** A table; cells are raw HTML (escape first), columns in {@code numeric} are right-aligned. */
    public static String table(List<String> headers, List<List<String>> rows, Set<Integer> numeric) {
        StringBuilder sb = new StringBuilder("<div class=\"wide\"><table>\n<tr>");
        for (String h : headers) {
            sb.append("<th>").append(esc(h)).append("</th>");
        }
        sb.append("</tr>\n");
        for (List<String> row : rows) {
            sb.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                sb.append(numeric.contains(i) ? "<td class=\"n\">" : "<td>").append(row.get(i)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</table></div>\n").toString();
    }
}
