import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Loopback ports for the nodes the tests start. Every suite of a test run shares one process
/// and starts its nodes at the same time as the others, so a port that was free when one fixture
/// looked may be bound by another fixture a second later. The ports handed out here
/// - are never handed out twice in the process, whichever module asks;
/// - lie below Linux's ephemeral range (32768 and up), so that no outgoing connection of the
///   run takes one of them between its check and the node's bind.
public enum TestPorts {
    /// Where bases are drawn from; the highest offset in use (a peer port, 100 above its node's
    /// port, for four nodes) still ends below 32768.
    static let bases = 20_000...32_600
    private static let reserved = Mutex<Set<Int>>([])

    /// A base port such that `base + offset` is free on 127.0.0.1 for every offset and was never
    /// given out in this process; the ports are reserved for the rest of the run.
    public static func reserve(offsets: [Int]) -> Int {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1_000 {
            let base = Int.random(in: bases, using: &generator)
            let ports = offsets.map { base + $0 }
            let taken = reserved.withLock { reserved -> Bool in
                guard ports.allSatisfy({ !reserved.contains($0) }) else { return true }
                reserved.formUnion(ports)
                return false
            }
            if taken { continue }
            if ports.allSatisfy(isFree) { return base }
        }
        preconditionFailure("no free loopback ports for offsets \(offsets)")
    }

    /// True when nothing listens on 127.0.0.1:`port`.
    public static func isFree(_ port: Int) -> Bool {
        guard let fd = boundSocket(port) else { return false }
        close(fd)
        return true
    }

    /// A socket listening on 127.0.0.1:`port` (to hold a port a node wants), for the caller
    /// to close; nil when the port cannot be had.
    public static func listen(on port: Int) -> Int32? {
        guard let fd = boundSocket(port) else { return nil }
        guard Glibc.listen(fd, 8) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// A TCP socket bound to 127.0.0.1:`port`, or nil.
    private static func boundSocket(_ port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard bound else {
            close(fd)
            return nil
        }
        return fd
    }
}
