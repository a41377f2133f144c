// Python's `<` on values and `list.sort`, as CPython 3.11 applies them.

import BigInt

extension PythonValue {
    /// Python's `self < other`.
    ///
    /// - Numbers (`bool`, `int`, `float`) compare by exact mathematical value: an `int` is never rounded to a
    ///   `float` (`2**53 + 1 > 2.0**53`). Any comparison with NaN is `False`.
    /// - `str` compares by code point (lone surrogates included), `bytes` and `bytearray` bytewise, with each other.
    /// - A `tuple` compares with a `tuple` and a `list` with a `list`: the first pair of unequal elements
    ///   (by Python `==`) decides with `<`; if there is none, the shorter one is less.
    /// - A `set` or `frozenset` is less than another when it is a proper subset of it.
    ///
    /// - Throws: `TypeError("'<' not supported between instances of 'str' and 'int'")` (with Python's type names)
    ///   for any other pair, `complex` included.
    public func isLess(than other: PythonValue) throws(PythonException) -> Bool {
        let lhs = self.unwrapped
        let rhs = other.unwrapped
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)):
            // UTF-8 preserves code point order.
            return a.utf8.lexicographicallyPrecedes(b.utf8)
        case (.string, .surrogateString), (.surrogateString, .string),
            (.surrogateString, .surrogateString):
            // UTF-8 (with surrogates encoded like any other code point) preserves code point order.
            return lhs.stringUTF8.lexicographicallyPrecedes(rhs.stringUTF8)
        case (.bytes(let a), .bytes(let b)), (.bytes(let a), .byteArray(let b)),
            (.byteArray(let a), .bytes(let b)), (.byteArray(let a), .byteArray(let b)):
            return a.lexicographicallyPrecedes(b)
        case (.tuple(let a), .tuple(let b)), (.list(let a), .list(let b)):
            return try Self.sequence(a, isLessThan: b)
        case (.set(let a), .set(let b)), (.set(let a), .frozenSet(let b)),
            (.frozenSet(let a), .set(let b)), (.frozenSet(let a), .frozenSet(let b)):
            return a.count < b.count && a.storage.allSatisfy { b.storage.contains($0) }
        case (.bool, _), (.int, _), (.bigInt, _), (.float, _):
            if let result = Self.number(lhs, isLessThan: rhs) {
                return result
            }
        default:
            break
        }
        throw .typeError("'<' not supported between instances of '\(lhs.typeName)' and '\(rhs.typeName)'")
    }

    /// The UTF-8 (`surrogatepass`) bytes of a `str`.
    private var stringUTF8: [UInt8] {
        switch self {
        case .string(let string): return Array(string.utf8)
        case .surrogateString(let bytes): return bytes
        default: return []
        }
    }

    private static func sequence(_ a: [PythonValue], isLessThan b: [PythonValue]) throws(PythonException) -> Bool {
        for index in 0..<min(a.count, b.count) where !(a[index] == b[index]) {
            return try a[index].isLess(than: b[index])
        }
        return a.count < b.count
    }

    /// `lhs < rhs` for two real numbers, or `nil` if `rhs` is not a real number.
    private static func number(_ lhs: PythonValue, isLessThan rhs: PythonValue) -> Bool? {
        switch rhs {
        case .bool, .int, .bigInt, .float: break
        default: return nil
        }
        guard let a = PythonNumber(lhs), let b = PythonNumber(rhs) else { return nil }
        switch (a, b) {
        case (.nan, _), (_, .nan):
            return false
        case (.small(let x), .small(let y)):
            return x < y
        case (.real(let x), .real(let y)):
            return x < y
        case (.real(let x), _):
            guard let y = b.exactInteger else { return false }
            // x is infinite or not integral: x < y exactly when ceil(x) <= y.
            if x.isInfinite { return x < 0 }
            return BigInt(exactly: x.rounded(.up)).map { $0 <= y } ?? false
        case (_, .real(let y)):
            guard let x = a.exactInteger else { return false }
            // y is infinite or not integral: x < y exactly when x <= floor(y).
            if y.isInfinite { return y > 0 }
            return BigInt(exactly: y.rounded(.down)).map { x <= $0 } ?? false
        default:
            guard let x = a.exactInteger, let y = b.exactInteger else { return false }
            return x < y
        }
    }

    /// Sorts values in place as Python's `list.sort()` does: stable, using only `<`.
    ///
    /// With `reverse`, equal items keep their original order (CPython reverses, sorts stably and reverses again).
    /// For lists shorter than 64 items the comparisons made are exactly CPython's (a run scan followed by a binary
    /// insertion sort), so even inconsistent orders (NaN, sets) give CPython's result; longer lists are sorted
    /// in runs of CPython's minimum run length that are then merged stably.
    ///
    /// - Parameters:
    ///   - values: The values to sort.
    ///   - reverse: Whether to sort in descending order.
    /// - Throws: `TypeError` when two values cannot be compared; `values` is then left unchanged.
    public static func sort(_ values: inout [PythonValue], reverse: Bool = false) throws(PythonException) {
        try Self.sort(&values, keys: values, reverse: reverse)
    }

    /// Sorts values in place by precomputed keys, as Python's `list.sort(key=…)` does: stable, comparing only the
    /// keys, with `<`.
    ///
    /// - Parameters:
    ///   - values: The values to sort.
    ///   - keys: One key per value, in the same order.
    ///   - reverse: Whether to sort in descending order.
    /// - Throws: `TypeError` when two keys cannot be compared, `ValueError` when `keys` and `values` differ in
    ///   length; `values` is then left unchanged.
    public static func sort(
        _ values: inout [PythonValue],
        keys: [PythonValue],
        reverse: Bool = false
    ) throws(PythonException) {
        guard keys.count == values.count else {
            throw .valueError("sort needs one key per value: \(keys.count) keys for \(values.count) values")
        }
        var sorter = PythonSorter(keys: reverse ? keys.reversed() : keys)
        try sorter.sort()
        var order = sorter.order
        if reverse {
            // `order` indexes the reversed list.
            let last = values.count - 1
            order = order.reversed().map { last - $0 }
        }
        let original = values
        values = order.map { original[$0] }
    }
}

extension PythonNumber {
    /// The value as an exact integer, if it is one.
    fileprivate var exactInteger: BigInt? {
        switch self {
        case .small(let int): return BigInt(int)
        case .integer(let big): return big
        case .largeIntegral(let double): return BigInt(exactly: double)
        default: return nil
        }
    }
}

/// CPython's `list.sort` over indices into a list of keys: run detection, binary insertion sort up to the minimum
/// run length, then stable merging (without galloping, which changes only how many comparisons are made).
private struct PythonSorter {
    let keys: [PythonValue]
    /// The permutation of key indices, sorted once ``sort()`` returns.
    var order: [Int]

    init(keys: [PythonValue]) {
        self.keys = keys
        self.order = Array(keys.indices)
    }

    /// Whether the key at position `i` of ``order`` is less than the key at position `j`.
    private func less(_ i: Int, _ j: Int) throws(PythonException) -> Bool {
        try self.keys[self.order[i]].isLess(than: self.keys[self.order[j]])
    }

    mutating func sort() throws(PythonException) {
        let count = self.order.count
        guard count >= 2 else { return }
        let minimumRun = Self.minimumRun(count)
        var runs: [Range<Int>] = []
        var low = 0
        while low < count {
            var (length, descending) = try self.countRun(from: low, to: count)
            if descending {
                self.order[low..<(low + length)].reverse()
            }
            if length < minimumRun {
                let forced = min(minimumRun, count - low)
                try self.binarySort(low..<(low + forced), sortedPrefix: low + length)
                length = forced
            }
            runs.append(low..<(low + length))
            low += length
        }
        while runs.count > 1 {
            var merged: [Range<Int>] = []
            var index = 0
            while index + 1 < runs.count {
                try self.merge(runs[index], runs[index + 1])
                merged.append(runs[index].lowerBound..<runs[index + 1].upperBound)
                index += 2
            }
            if index < runs.count {
                merged.append(runs[index])
            }
            runs = merged
        }
    }

    /// CPython's `merge_compute_minrun`.
    private static func minimumRun(_ count: Int) -> Int {
        var n = count
        var extra = 0
        while n >= 64 {
            extra |= n & 1
            n >>= 1
        }
        return n + extra
    }

    /// CPython's `count_run`: the length of the ascending (non-descending) or strictly descending run at `low`.
    private func countRun(from low: Int, to high: Int) throws(PythonException) -> (length: Int, descending: Bool) {
        guard low + 1 < high else { return (1, false) }
        var index = low + 1
        if try self.less(index, index - 1) {
            index += 1
            while index < high, try self.less(index, index - 1) {
                index += 1
            }
            return (index - low, true)
        }
        index += 1
        while index < high, try !self.less(index, index - 1) {
            index += 1
        }
        return (index - low, false)
    }

    /// CPython's `binarysort`: inserts each item from `sortedPrefix` on into the sorted part before it.
    private mutating func binarySort(_ range: Range<Int>, sortedPrefix start: Int) throws(PythonException) {
        for pivotIndex in max(start, range.lowerBound + 1)..<range.upperBound {
            let pivot = self.order[pivotIndex]
            var left = range.lowerBound
            var right = pivotIndex
            while left < right {
                let middle = left + (right - left) / 2
                if try self.keys[pivot].isLess(than: self.keys[self.order[middle]]) {
                    right = middle
                } else {
                    left = middle + 1
                }
            }
            // Shift in place: assigning a slice of `order` to `order` would copy the whole array on every
            // insertion (the slice keeps the buffer shared), making a large sort quadratic.
            var index = pivotIndex
            while index > left {
                self.order[index] = self.order[index - 1]
                index -= 1
            }
            self.order[left] = pivot
        }
    }

    /// Merges two adjacent sorted runs stably: an item of the right run goes first only if it is less.
    private mutating func merge(_ first: Range<Int>, _ second: Range<Int>) throws(PythonException) {
        var merged: [Int] = []
        merged.reserveCapacity(first.count + second.count)
        var i = first.lowerBound
        var j = second.lowerBound
        while i < first.upperBound && j < second.upperBound {
            if try self.keys[self.order[j]].isLess(than: self.keys[self.order[i]]) {
                merged.append(self.order[j])
                j += 1
            } else {
                merged.append(self.order[i])
                i += 1
            }
        }
        merged += self.order[i..<first.upperBound]
        merged += self.order[j..<second.upperBound]
        self.order[first.lowerBound..<second.upperBound] = merged[...]
    }
}
