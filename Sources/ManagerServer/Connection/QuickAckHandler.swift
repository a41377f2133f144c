import ManagerWire
import NIOCore

/// Re-arms `TCP_QUICKACK` before each of a new TCP connection's first reads, then removes itself.
///
/// CPython's client writes the handshake's last message and its first request back to back with Nagle's
/// algorithm on, so the request waits for the server's delayed ACK: about 40 ms per new connection. Linux clears
/// `TCP_QUICKACK` as the connection's ACK mode changes, so setting it once at accept is not enough; re-arming it
/// before each read of the connection's opening exchange acknowledges at once. Later traffic is request/reply,
/// where replies carry the ACKs, so the handler leaves after a few reads.
final class QuickAckHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = Any

    private var remainingReads: Int

    init(reads: Int = 8) {
        self.remainingReads = reads
    }

    func read(context: ChannelHandlerContext) {
        #if os(Linux)
        try? context.channel.syncOptions?.setOption(ChannelTuning.quickAck, value: 1)
        #endif
        self.remainingReads -= 1
        context.read()
        if self.remainingReads <= 0 {
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}
