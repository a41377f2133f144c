import Testing

@testable import Pickle

/// The decoder's working arrays start in lent memory and must keep and release every element as they grow.
@Suite("Scratch buffers")
struct ScratchBufferTests {
    /// The number of live ``Tracked`` instances of one test.
    final class LiveCount {
        var count = 0
    }

    /// Counts its live instances, to show that a buffer releases what it holds exactly once.
    final class Tracked {
        let value: Int
        let live: LiveCount
        init(_ value: Int, _ live: LiveCount) {
            self.value = value
            self.live = live
            live.count += 1
        }
        deinit { self.live.count -= 1 }
    }

    @Test("keeps its elements in order while it outgrows the lent storage, and releases them all")
    func growsAndReleases() {
        let live = LiveCount()
        withUnsafeTemporaryAllocation(of: Tracked.self, capacity: 2) { storage in
            var buffer = ScratchBuffer(lending: storage)
            for value in 0..<100 {
                buffer.append(Tracked(value, live))
            }
            buffer.insert(Tracked(-1, live), at: 0)
            #expect(buffer.count == 101)
            #expect(buffer[0].value == -1)
            #expect((1..<101).allSatisfy { buffer[$0].value == $0 - 1 })
            #expect(buffer.last?.value == 99)
            #expect(buffer.removeLast().value == 99)
            (buffer.base + 50).deinitialize(count: 50)
            buffer.removeMoved(from: 50)
            #expect(buffer.count == 50)
            #expect(live.count == 50)
        }
        #expect(live.count == 0)
    }

    @Test("a segmented buffer finds every element across its segments and releases them all")
    func segmentedFindsAndReleases() {
        let live = LiveCount()
        withUnsafeTemporaryAllocation(of: Tracked.self, capacity: 4) { storage in
            var buffer = SegmentedScratchBuffer(lending: storage)
            // 4 lent, then segments of 8, 16, 32, 64, 128 and 256 elements: the last one partly filled.
            for value in 0..<300 {
                buffer.append(Tracked(value, live))
            }
            #expect(buffer.count == 300)
            #expect((0..<300).allSatisfy { buffer[$0].value == $0 })
            #expect(live.count == 300)
        }
        #expect(live.count == 0)
    }
}
