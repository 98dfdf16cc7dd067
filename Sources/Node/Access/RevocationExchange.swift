import Crypto
import Foundation
import Logging
import NIOConcurrencyHelpers
import Registry

/// Token revocations passed between nodes, so that one that missed the topology version
/// revoking a token (it was down when `sijil token revoke` pushed it, and started again with an
/// older `topology.toml`) refuses the token anyway, as soon as it is connected to one peer that
/// has it.
///
/// - A node sends every revocation it enforces (its topology's and those it learned) in a
///   ``RevocationNotice`` to each peer its transport connects to, to every peer when it takes a
///   topology version that revokes more, and again every ``resendInterval``.
/// - A node that receives one takes the revocations it does not enforce yet, if each passes
///   ``RevocationNotice/problem(of:nowSeconds:)``, keeps them in ``fileName`` in its data
///   directory (so a restart keeps them, also with no peer in reach), and passes them on to its
///   other peers.
/// - A learned revocation is dropped once the node's topology holds it, and, like the
///   topology's, a day after every token it covers has expired.
///
/// A revocation only takes access away, so any node of the cluster may pass one on: the
/// transport's mutual TLS proves the sender is one. It cannot be taken back before it lapses,
/// as in the topology (docs/OPERATIONS.md §4).
public final class RevocationExchange: @unchecked Sendable {
    /// The learned revocations' file in the data directory.
    public static let fileName = "revocations.learned"
    /// How often a node sends its revocations to every peer again (a notice can be dropped by a
    /// full queue, like any frame).
    public static let resendInterval: Duration = .seconds(300)

    /// What a notice changed.
    public struct Taken: Equatable, Sendable {
        /// Revocations the node did not enforce and now does.
        public var learned = 0
        /// Revocations it already enforced, or that have lapsed.
        public var known = 0
        /// Revocations refused (each logged with its reason).
        public var refused = 0
    }

    private let lock = NIOLock()
    private var topologyList: [ClusterTopology.Revocation]
    private var learned: [ClusterTopology.Revocation] = []
    private var peers: [UInt64] = []
    private let path: String?
    private let revocations: TokenRevocations
    private let send: @Sendable (UInt64, [UInt8]) -> Void
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let metrics: NodeMetrics?

    /// Opens the learned revocations of `directory` (none when nil: kept in memory only) and
    /// enforces them with the topology's `list` through `revocations`. A damaged file is set
    /// aside (renamed with `.damaged`), logged, and the node starts without what it held: its
    /// peers send it again when they connect.
    /// - Parameters:
    ///   - send: queues a frame for a peer without waiting.
    public init(directory: String?, topology list: [ClusterTopology.Revocation], revocations: TokenRevocations,
                logger: Logger, metrics: NodeMetrics? = nil, now: @escaping @Sendable () -> Date = { Date() },
                send: @escaping @Sendable (UInt64, [UInt8]) -> Void) {
        self.path = directory.map { $0 + "/" + Self.fileName }
        self.topologyList = list
        self.revocations = revocations
        self.send = send
        self.now = now
        self.logger = logger
        self.metrics = metrics
        lock.withLock {
            let kept = loadFile()
            learned = kept
            pruneAndEnforce(persistingIfChangedFrom: kept)
        }
        if !learned.isEmpty {
            logger.warning("enforcing \(learned.count) token revocations learned from peers that this node's topology version does not hold: push the topology")
        }
    }

    /// Revocations learned from peers that the node's topology does not hold.
    public var learnedCount: Int { lock.withLock { learned.count } }

    /// The peers notices go to (every active node but this one).
    public func setPeers(_ ids: [UInt64]) {
        lock.withLock { peers = ids }
    }

    /// Takes a topology version's revocations: enforces them, drops the learned ones it now
    /// holds, and sends every peer the node's list when the version revokes a token the node
    /// did not refuse before (a peer that missed the push learns it from this node).
    public func topologyTaken(_ list: [ClusterTopology.Revocation]) {
        let (announce, targets) = lock.withLock { () -> ([ClusterTopology.Revocation]?, [UInt64]) in
            let before = RevocationCover(topologyList, learned)
            let adds = list.contains { !before.covers($0) }
            topologyList = list
            pruneAndEnforce(persistingIfChangedFrom: learned)
            return (adds ? enforced() : nil, peers)
        }
        if let announce { send(RevocationNotice.notices(announce), to: targets) }
    }

    /// Sends `peer` every revocation the node enforces (nothing when there is none).
    public func announce(to peer: UInt64) {
        send(RevocationNotice.notices(lock.withLock { enforced() }), to: [peer])
    }

    /// Sends every peer every revocation the node enforces.
    public func announceToAll() {
        let (list, targets) = lock.withLock { (enforced(), peers) }
        send(RevocationNotice.notices(list), to: targets)
    }

    /// Takes the revocations of a notice from `peer`: enforces and keeps the new ones, and
    /// passes those on to every other peer.
    @discardableResult
    public func receive(from peer: UInt64, frame: [UInt8]) -> Taken {
        let list: [ClusterTopology.Revocation]
        do { list = try RevocationNotice.decode(frame) } catch {
            logger.warning("a revocation notice from node \(peer) is refused: \(error)")
            return Taken(refused: 1)
        }
        let nowSeconds = UInt64(max(0, now().timeIntervalSince1970))
        var taken = Taken()
        var problems: [String] = []
        var fresh: [ClusterTopology.Revocation] = []
        let (targets, total) = lock.withLock { () -> ([UInt64], Int) in
            let before = learned
            var known = RevocationCover(topologyList, learned)
            for revocation in list {
                if let problem = RevocationNotice.problem(of: revocation, nowSeconds: nowSeconds) {
                    taken.refused += 1
                    problems.append(problem)
                } else if revocation.mayBeDropped(atSeconds: nowSeconds) || known.covers(revocation) {
                    taken.known += 1
                } else if learned.count >= RevocationNotice.learnedMax {
                    taken.refused += 1
                    problems.append("this node already keeps \(learned.count) learned revocations, the most it keeps")
                } else {
                    // A holder's later date makes the earlier one of the same holder useless.
                    if revocation.tokenID == nil { learned.removeAll { revocation.covers($0) } }
                    learned.append(revocation)
                    known.insert(revocation)
                    fresh.append(revocation)
                    taken.learned += 1
                }
            }
            guard taken.learned > 0 else { return ([], learned.count) }
            pruneAndEnforce(persistingIfChangedFrom: before)
            return (peers.filter { $0 != peer }, learned.count)
        }
        if !problems.isEmpty {
            logger.warning("node \(peer) passed on \(taken.refused) token revocations this node refuses", metadata: [
                "first": "\(problems[0])"])
        }
        if taken.learned > 0 {
            logger.warning("learned \(taken.learned) token revocations from node \(peer) that this node's topology version does not hold (\(total) in all): push the topology")
            // Only what is new here: a peer gets the rest when it connects and every resend.
            send(RevocationNotice.notices(fresh), to: targets)
        }
        return taken
    }

    private func send(_ notices: [[UInt8]], to peers: [UInt64]) {
        for peer in peers {
            for notice in notices { send(peer, notice) }
        }
    }

    // MARK: - Under the lock

    /// The topology's revocations and the learned ones, lapsed ones left out.
    private func enforced() -> [ClusterTopology.Revocation] {
        let nowSeconds = UInt64(max(0, now().timeIntervalSince1970))
        return (topologyList + learned).filter { !$0.mayBeDropped(atSeconds: nowSeconds) }
    }

    /// Drops learned revocations that have lapsed or that the topology holds, enforces the rest,
    /// and writes the file when the list differs from `previous`.
    private func pruneAndEnforce(persistingIfChangedFrom previous: [ClusterTopology.Revocation]) {
        let nowSeconds = UInt64(max(0, now().timeIntervalSince1970))
        let topology = RevocationCover(topologyList)
        learned.removeAll { $0.mayBeDropped(atSeconds: nowSeconds) || topology.covers($0) }
        revocations.take(topologyList + learned)
        metrics?.recordLearnedRevocations(learned.count)
        if learned != previous { writeFile() }
    }

    /// The file: the revocations as one JSON line, then the SHA-256 of that line in hex.
    static func fileContents(_ list: [ClusterTopology.Revocation]) -> [UInt8] {
        let json = Array(RevocationNotice.json(list))
        return json + Array("\n\(Hex.encode(Array(SHA256.hash(data: json))))\n".utf8)
    }

    /// The revocations of a file's `contents`, or why they cannot be trusted.
    static func revocations(inFile contents: Data) -> Result<[ClusterTopology.Revocation], RevocationNotice.Unreadable> {
        let bytes = Array(contents)
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return .failure(.init(description: "no digest line")) }
        let json = Array(bytes[..<newline])
        let digest = String(decoding: bytes[(newline + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard digest == Hex.encode(Array(SHA256.hash(data: json))) else { return .failure(.init(description: "its digest does not match its contents")) }
        guard let list = try? JSONDecoder().decode([ClusterTopology.Revocation].self, from: Data(json)) else {
            return .failure(.init(description: "not a JSON list of revocations"))
        }
        return .success(list)
    }

    private func loadFile() -> [ClusterTopology.Revocation] {
        guard let path, let contents = FileManager.default.contents(atPath: path) else { return [] }
        switch Self.revocations(inFile: contents) {
        case .success(let list): return list
        case .failure(let problem):
            let aside = path + ".damaged"
            _ = try? FileManager.default.removeItem(atPath: aside)
            _ = rename(path, aside)
            logger.error("\(path) is damaged (\(problem)): set aside as \(Self.fileName).damaged; the peers send their revocations again when they connect")
            return []
        }
    }

    private func writeFile() {
        guard let path else { return }
        if learned.isEmpty {
            if unlink(path) != 0 && errno != ENOENT { logger.error("\(path): cannot remove: \(String(cString: strerror(errno)))") }
            return
        }
        do {
            try DurableFile.replace(path, with: Self.fileContents(learned))
        } catch {
            // Still enforced in memory; a restart before the next write loses them until a peer
            // sends them again.
            logger.error("\(path): cannot keep the learned revocations: \(error)")
        }
    }
}
