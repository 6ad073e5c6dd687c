import Foundation

// The console's charts, drawn on the server as inline SVG (no script: the Content-Security-
// Policy allows none inline, and a chart should read the same with scripts off). The geometry
// is computed here; the template only places the numbers. Colours come from the stylesheet
// through classes (`style-src 'self'` refuses inline styles).

/// Requests served and refused per hour: one pair of stacked bars an hour, oldest first.
struct HourChart {
    struct Bar {
        let x: Int
        let servedY: Int, servedHeight: Int
        let refusedY: Int, refusedHeight: Int
        /// `14h` under every third bar (24 labels would overlap).
        let label: String?
        let labelX: Int
        /// The bar's tooltip: `14h: 120 servies, 3 refusées`.
        let title: String
    }
    static let width = 24 * 22 + 40, height = 160, plotHeight = 120, top = 10
    let bars: [Bar]
    /// The largest hour, on the axis.
    let max: Int
    let width = HourChart.width, height = HourChart.height, axisY = HourChart.top + HourChart.plotHeight

    init(_ hours: [(hour: Date, served: Int, refused: Int)], title: (Int, Int, Int) -> String) {
        let most = Swift.max(1, hours.map { $0.served + $0.refused }.max() ?? 0)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
        bars = hours.enumerated().map { index, h in
            let served = h.served * Self.plotHeight / most, refused = h.refused * Self.plotHeight / most
            let hour = calendar.component(.hour, from: h.hour)
            let x = 36 + index * 22
            return Bar(x: x, servedY: Self.top + Self.plotHeight - served, servedHeight: served,
                       refusedY: Self.top + Self.plotHeight - served - refused, refusedHeight: refused,
                       label: index % 3 == 0 ? "\(hour)h" : nil, labelX: x + 8, title: title(hour, h.served, h.refused))
        }
        max = most
    }
}

/// Counts as horizontal bars (phones by state, model, firmware).
struct CountChart {
    struct Bar {
        let y: Int, textY: Int
        let width: Int
        let label: String
        let count: Int
        let countX: Int
        /// The stylesheet's class (a state's colour), or `count`.
        let kind: String
        /// Where bars start, after the labels.
        let x = CountChart.labelWidth
        /// Where a click on the bar leads (a filtered list), when somewhere.
        let href: String?
    }
    static let rowHeight = 22, labelWidth = 230, barWidth = 260
    let bars: [Bar]
    let height: Int
    let width = CountChart.labelWidth + CountChart.barWidth + 60

    init(_ rows: [(label: String, count: Int, kind: String, href: String?)]) {
        let most = Swift.max(1, rows.map(\.count).max() ?? 0)
        bars = rows.enumerated().map { index, row in
            let width = row.count == 0 ? 0 : Swift.max(2, row.count * Self.barWidth / most)
            return Bar(y: index * Self.rowHeight + 4, textY: index * Self.rowHeight + 18, width: width, label: row.label, count: row.count,
                       countX: Self.labelWidth + width + 6, kind: row.kind, href: row.href)
        }
        height = Swift.max(1, rows.count) * Self.rowHeight + 8
    }
}
