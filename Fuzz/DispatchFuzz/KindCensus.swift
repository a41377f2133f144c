import Foundation
import Synchronization

/// Counts, when the environment variable `DISPATCH_FUZZ_STATS` is set, how many inputs generated each
/// ``ValueKind`` and how many drew a large shape (``WorkBudget/largeGate``), and prints the shares to standard error
/// every ``reportInterval`` inputs (the variable's value, 10,000 if it is not a positive number), to tell how often
/// the fuzzer reaches each extreme value.
///
/// One census records one input; ``finish(largeDrawn:)`` adds it to the process-wide totals.
final class KindCensus {
    private static let setting = ProcessInfo.processInfo.environment["DISPATCH_FUZZ_STATS"]
    /// Whether the census is on.
    static let enabled = KindCensus.setting != nil
    /// The totals are printed after every this many inputs.
    static let reportInterval = KindCensus.setting.flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 10_000

    private struct Totals {
        var inputs = 0
        var withLargeShape = 0
        var withKind = [Int](repeating: 0, count: ValueKind.allCases.count)
    }

    private static let totals = Mutex(Totals())

    private var seen = Set<Int>()

    /// Notes that the input generated a value of the kind at `index` in `ValueKind.allCases`.
    func record(kindIndex index: Int) {
        if Self.enabled {
            self.seen.insert(index)
        }
    }

    /// Adds this input to the totals, printing them at every ``reportInterval``-th input.
    func finish(largeDrawn: Bool) {
        guard Self.enabled else { return }
        let report: String? = Self.totals.withLock { totals in
            totals.inputs += 1
            totals.withLargeShape += largeDrawn ? 1 : 0
            for index in self.seen {
                totals.withKind[index] += 1
            }
            return totals.inputs % Self.reportInterval == 0 ? Self.describe(totals) : nil
        }
        if let report {
            FileHandle.standardError.write(Data(report.utf8))
        }
    }

    /// One line per kind: the number of inputs that generated it, and that number per thousand inputs.
    private static func describe(_ totals: Totals) -> String {
        func share(_ count: Int) -> String {
            "\(count) (\(String(format: "%.2f", Double(count) * 1000 / Double(totals.inputs)))/1000)"
        }
        var lines = ["dispatch-fuzz stats: \(totals.inputs) inputs; large shape: \(share(totals.withLargeShape))"]
        for (index, kind) in ValueKind.allCases.enumerated() {
            lines.append("  \(kind): \(share(totals.withKind[index]))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
