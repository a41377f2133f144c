import Pickle

/// A Python `slice(start, stop, step)` received as an argument (pickled as `builtins.slice` applied to a
/// 3-tuple), with CPython's index arithmetic.
package struct PythonSlice {
    /// The `start` bound, or `None`.
    package var start: PythonValue
    /// The `stop` bound, or `None`.
    package var stop: PythonValue
    /// The `step`, or `None`.
    package var step: PythonValue

    /// A slice.
    package init(start: PythonValue = .none, stop: PythonValue = .none, step: PythonValue = .none) {
        self.start = start
        self.stop = stop
        self.step = step
    }

    /// Reads a slice from a value of the shape `builtins.slice(start, stop, step)`; `nil` for anything else.
    package init?(_ value: PythonValue) {
        guard case .object(let object) = value.unwrapped,
            object.callable == .builtin("slice"),
            case .reduce = object.construction,
            let arguments = object.arguments,
            (1...3).contains(arguments.count)
        else {
            return nil
        }
        if arguments.count == 1 {
            self.init(stop: arguments[0])
        } else {
            self.init(start: arguments[0], stop: arguments[1], step: arguments.count == 3 ? arguments[2] : .none)
        }
    }

    /// The slice as a pickled value.
    package var value: PythonValue {
        .object(.reduce(.builtin("slice"), [self.start, self.stop, self.step]))
    }

    /// The concrete indices for a sequence of `length` items (Python's `slice.indices` plus the item count).
    package struct Indices: Equatable {
        /// The first index.
        package var start: Int
        /// The end index (exclusive, in the direction of `step`).
        package var stop: Int
        /// The step, never zero.
        package var step: Int
        /// The number of selected items.
        package var count: Int

        /// The selected indices, in order.
        package var indices: [Int] {
            (0..<self.count).map { self.start + $0 * self.step }
        }
    }

    /// Computes the indices as CPython's `PySlice_Unpack` and `PySlice_AdjustIndices` do.
    ///
    /// - Throws: `ValueError('slice step cannot be zero')`; `TypeError('slice indices must be integers or None
    ///   or have an __index__ method')` for non-integer bounds.
    package func indices(length: Int) throws(PythonException) -> Indices {
        let step: Int
        if self.step.isNone {
            step = 1
        } else {
            // CPython's PySlice_Unpack clamps a step of PY_SSIZE_T_MIN to -PY_SSIZE_T_MAX, so that `-step` is safe.
            step = max(try Self.clampedIndex(self.step), -Int.max)
            guard step != 0 else { throw .valueError("slice step cannot be zero") }
        }
        var start: Int
        var stop: Int
        if self.start.isNone {
            start = step < 0 ? Int.max : 0
        } else {
            start = try Self.clampedIndex(self.start)
        }
        if self.stop.isNone {
            stop = step < 0 ? Int.min : Int.max
        } else {
            stop = try Self.clampedIndex(self.stop)
        }
        Self.adjust(&start, length: length, step: step)
        Self.adjust(&stop, length: length, step: step)
        let count: Int
        if step < 0 {
            count = stop < start ? (start - stop - 1) / (-step) + 1 : 0
        } else {
            count = start < stop ? (stop - start - 1) / step + 1 : 0
        }
        return Indices(start: start, stop: stop, step: step, count: count)
    }

    private static func adjust(_ index: inout Int, length: Int, step: Int) {
        if index < 0 {
            index = index <= Int.min + length ? (step < 0 ? -1 : 0) : index + length
            if index < 0 { index = step < 0 ? -1 : 0 }
        } else if index >= length {
            index = step < 0 ? length - 1 : length
        }
    }

    /// A slice bound as an `Int`, clamping huge ints as CPython's `_PyEval_SliceIndex` does.
    private static func clampedIndex(_ value: PythonValue) throws(PythonException) -> Int {
        switch value.unwrapped {
        case .int(let int): return int
        case .bool(let flag): return flag ? 1 : 0
        case .bigInt(let big): return big.signum() < 0 ? Int.min : Int.max
        default: throw .typeError("slice indices must be integers or None or have an __index__ method")
        }
    }
}
