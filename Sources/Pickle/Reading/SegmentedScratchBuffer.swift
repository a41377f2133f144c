/// An append-only array for a decoder's working state whose elements never move once written.
///
/// The first segment is memory lent by the caller (usually a stack allocation); each further segment is allocated
/// twice as large as the one before, so segment `k` holds the elements from `c·(2ᵏ − 1)` on, where `c` is the lent
/// capacity. Growing never copies: a memo of a million entries costs one write per entry and touches only the
/// memory it holds, where a doubling array copies every entry about once more and faults in pages for both copies.
struct SegmentedScratchBuffer<Element>: ~Copyable {
    /// The lent first segment.
    private let first: UnsafeMutablePointer<Element>
    /// The base-2 logarithm of the first segment's capacity.
    private let firstShift: Int
    /// The segments allocated here, from the second on.
    private var allocated: [UnsafeMutablePointer<Element>] = []
    /// Where the next element goes, and the end of its segment.
    private var next: UnsafeMutablePointer<Element>
    private var segmentEnd: UnsafeMutablePointer<Element>
    /// The number of elements.
    private(set) var count = 0

    /// A buffer whose first segment is `storage`, which must be uninitialized, outlive the buffer and have a
    /// capacity that is a power of two.
    init(lending storage: UnsafeMutableBufferPointer<Element>) {
        precondition(
            storage.count > 0 && storage.count & (storage.count - 1) == 0,
            "a segmented scratch buffer needs lent storage for a power of two of elements"
        )
        // The precondition guarantees a base address.
        self.first = storage.baseAddress.unsafelyUnwrapped
        self.firstShift = storage.count.trailingZeroBitCount
        self.next = self.first
        self.segmentEnd = self.first + storage.count
    }

    deinit {
        let firstCapacity = 1 << self.firstShift
        self.first.deinitialize(count: Swift.min(self.count, firstCapacity))
        for (index, segment) in self.allocated.enumerated() {
            let start = ((1 << (index + 1)) - 1) << self.firstShift
            segment.deinitialize(count: Swift.max(0, Swift.min(self.count - start, firstCapacity << (index + 1))))
            segment.deallocate()
        }
    }

    /// The element at `index`, which must be below ``count``.
    @inline(__always)
    subscript(index: Int) -> Element {
        unsafeAddress { UnsafePointer(self.address(of: index)) }
    }

    /// Adds `element` at the end.
    @inline(__always)
    mutating func append(_ element: Element) {
        if self.next == self.segmentEnd {
            self.addSegment()
        }
        self.next.initialize(to: element)
        self.next += 1
        self.count &+= 1
    }

    @inline(__always)
    private func address(of index: Int) -> UnsafeMutablePointer<Element> {
        // Element `index` is in the segment `k` with `2ᵏ ≤ index / c + 1 < 2ᵏ⁺¹`.
        let scaled = (index >> self.firstShift) &+ 1
        let segment = Int.bitWidth &- 1 &- scaled.leadingZeroBitCount
        let offset = index &- (((1 &<< segment) &- 1) &<< self.firstShift)
        return segment == 0 ? self.first + offset : self.allocated[segment &- 1] + offset
    }

    @inline(never)
    private mutating func addSegment() {
        let capacity = 1 << (self.firstShift + self.allocated.count + 1)
        let segment = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        self.allocated.append(segment)
        self.next = segment
        self.segmentEnd = segment + capacity
    }
}
