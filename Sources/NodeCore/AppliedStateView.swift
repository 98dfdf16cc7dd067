import Registry

/// The applied state of some hosted groups as it was at one instant (between two turns), for a
/// long read away from the node's loop: the node keeps applying and writing meanwhile, and the
/// view does not move. The search index reads its rebuilds through one.
///
/// `@unchecked Sendable`: the loop opens it and hands it to one reader, which then owns it: it
/// reads through it from any one thread at a time (the store's snapshot reads are thread-safe)
/// and closes it. It must be closed before the store is, and it holds back the store's
/// compaction of what it sees, so a reader closes it as soon as it is done.
public final class AppliedStateView: @unchecked Sendable {
    private let view: any DiskView
    private let readers: [GroupID: GroupStateReader]
    /// The groups the view holds, in the order asked for.
    public let groups: [GroupID]
    /// The generation of each group's state in the view, in the order of `groups`: it changes
    /// when a snapshot replaces the group's state.
    public let generations: [UInt32]
    private var closed = false

    init(view: any DiskView, groups: [(id: GroupID, generation: UInt32)]) {
        self.view = view
        self.groups = groups.map(\.id)
        self.generations = groups.map(\.generation)
        var readers: [GroupID: GroupStateReader] = [:]
        for group in groups { readers[group.id] = GroupStateReader(reader: view, group: group.id, generation: group.generation) }
        self.readers = readers
    }

    /// The state of `group` as the view holds it, every record verified; nil for a group it
    /// does not hold.
    public func reader(for group: GroupID) -> (any KeyValueReader)? {
        readers[group]
    }

    /// Releases the view. Closing twice does nothing.
    public func close() {
        guard !closed else { return }
        closed = true
        view.close()
    }
}

extension NodeCore {
    /// A view of the applied state of the hosted groups among `groups`, as it is now (call it
    /// between turns, on the loop).
    public func openAppliedStateView(of groups: [GroupID]) throws(DiskError) -> AppliedStateView {
        let hosted = groups.compactMap { id in self.groups[id].map { (id: id, generation: $0.generation) } }
        return AppliedStateView(view: try disk.openView(), groups: hosted)
    }
}
