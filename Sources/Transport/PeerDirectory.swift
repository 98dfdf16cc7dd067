import NIOConcurrencyHelpers

/// The configured peers: one ``PeerLink`` and one dialer task per peer.
final class PeerDirectory: Sendable {
    struct Entry: Sendable {
        let link: PeerLink
        let dialer: Task<Void, Never>
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var isShutDown = false
    }

    private let state = NIOLockedValueBox(State())

    func link(for nodeID: UInt64) -> PeerLink? {
        state.withLockedValue { $0.entries[nodeID]?.link }
    }

    func contains(_ nodeID: UInt64) -> Bool {
        state.withLockedValue { $0.entries[nodeID] != nil }
    }

    var links: [PeerLink] {
        state.withLockedValue { $0.entries.values.map(\.link) }
    }

    /// Makes the directory match `peers`: new peers get a link and a dialer; removed peers and
    /// peers whose address changed are returned for the caller to close and cancel (a changed
    /// address gets a fresh link). Nothing happens after shutdown.
    func update(
        to peers: [UInt64: PeerAddress],
        makeEntry: (UInt64, PeerAddress) -> Entry
    ) -> [Entry] {
        state.withLockedValue { state in
            guard !state.isShutDown else { return [] }
            var replaced: [Entry] = []
            for (nodeID, entry) in state.entries where peers[nodeID] != entry.link.address {
                replaced.append(entry)
                state.entries.removeValue(forKey: nodeID)
            }
            for (nodeID, address) in peers where state.entries[nodeID] == nil {
                state.entries[nodeID] = makeEntry(nodeID, address)
            }
            return replaced
        }
    }

    /// Freezes the directory and returns every entry for closing. The entries stay, so sends
    /// to a known peer after shutdown say "not connected" and its counters stay readable.
    func shutDown() -> [Entry] {
        state.withLockedValue { state in
            state.isShutDown = true
            return Array(state.entries.values)
        }
    }
}
