import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pauses a listener whose `accept` fails for want of descriptors or memory, and logs failed `accept` calls
/// (rate-limited).
///
/// When the process is out of descriptors (`EMFILE`) the listening socket stays readable and `accept` fails again
/// at once. NIO's `AcceptBackoffHandler` does not stop that: it delays the next `read`, but a read cycle whose first
/// `accept` fails leaves the channel's read pending, so NIO never asks for another read and the socket stays
/// registered for readability, spinning a core. This handler turns the channel's `autoRead` off, which
/// unregisters it, and back on after ``pause``.
final class AcceptFailureHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    /// How long accepting pauses after running out of descriptors or memory (they come back only as connections
    /// close).
    static let pause = TimeAmount.milliseconds(200)

    private let connections: ServerConnections
    private var resume: Scheduled<Void>?

    /// A handler logging through `connections`' rate limiter.
    init(connections: ServerConnections) {
        self.connections = connections
    }

    /// Logs the error, and pauses accepting if it means descriptors or memory ran out.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.connections.acceptFailed(error)
        guard let ioError = error as? IOError, Self.isExhaustion(ioError), self.resume == nil,
            let options = context.channel.syncOptions
        else { return }
        do {
            try options.setOption(.autoRead, value: false)
        } catch {
            return
        }
        let channel = NIOLoopBound(context.channel, eventLoop: context.eventLoop)
        self.resume = context.eventLoop.assumeIsolated().scheduleTask(in: Self.pause) {
            self.resume = nil
            try? channel.value.syncOptions?.setOption(.autoRead, value: true)
        }
    }

    /// Cancels a pending resumption.
    func channelInactive(context: ChannelHandlerContext) {
        self.resume?.cancel()
        self.resume = nil
        context.fireChannelInactive()
    }

    /// Whether `error` means the process or the system ran out of descriptors or memory, rather than a problem
    /// with one connection (a peer that reset before `accept`).
    static func isExhaustion(_ error: IOError) -> Bool {
        switch error.errnoCode {
        case EMFILE, ENFILE, ENOBUFS, ENOMEM: return true
        default: return false
        }
    }
}
