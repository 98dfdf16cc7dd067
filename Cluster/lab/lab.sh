#!/usr/bin/env bash
# The lab: Sijil nodes as separate network hosts on one machine, in network namespaces joined
# by veth links, so that links can be cut and restored like cables. Needs root and iproute2
# (ip, tc); nothing else.
#
#   lab.sh up [REGION...]          create the hosts of the centre and of each region (default: rsk)
#   lab.sh add-host HOST           create one more host (e.g. rsk4, a node rebuilt after a loss)
#   lab.sh down                    remove every host and bridge this script created
#   lab.sh hosts                   list the hosts and their addresses
#   lab.sh exec HOST CMD...        run a command on a host
#   lab.sh cut-node HOST           unplug a host's cable      lab.sh heal-node HOST
#   lab.sh cut-center REGION       cut a region from the centre (both ways)
#   lab.sh heal-center REGION
#   lab.sh delay HOST MS           add latency on a host's cable (tc netem); MS=0 removes it
#
# Layout: one bridge per region and one for the centre in the root namespace, which routes
# between them. Region r has subnet 10.77.<n>.0/24 (rsk: 4, cs: 6, the official region numbers),
# the centre 10.77.99.0/24. Host k of a region is 10.77.<n>.<k>; the centre is 10.77.99.1.
# Cutting a region from the centre installs blackhole routes on both sides, so traffic inside
# the region and between regions keeps flowing.
#
# SIJIL_LAB_PREFIX (default sjl) names the namespaces, links and bridges, and SIJIL_LAB_NET
# (default 10.77) the addresses, so that two labs (an operator's and the test suite's) can
# live on one machine without touching each other.
set -euo pipefail

PREFIX=${SIJIL_LAB_PREFIX:-sjl}
NET=${SIJIL_LAB_NET:-10.77}
declare -A REGION_NET=([rsk]=4 [cs]=6 [fm]=3 [tta]=1 [ori]=2 [bmk]=5 [ms]=7 [dt]=8 [sm]=9 [gon]=10 [lsh]=11 [dod]=12)
HOSTS_PER_REGION=${HOSTS_PER_REGION:-3}
CENTER_NET=99

die() { echo "lab: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
command -v ip >/dev/null || die "needs iproute2"

ns() { echo "$PREFIX-$1"; }
host_ip() {
    local host=$1
    if [ "$host" = center ]; then echo "$NET.$CENTER_NET.1"; return; fi
    local region=${host%%[0-9]*} index=${host##*[a-z]}
    [ -n "${REGION_NET[$region]:-}" ] || die "unknown host $host"
    echo "$NET.${REGION_NET[$region]}.$index"
}
host_net() {
    local host=$1
    if [ "$host" = center ]; then echo $CENTER_NET; return; fi
    echo "${REGION_NET[${host%%[0-9]*}]}"
}

make_bridge() {
    local name=$PREFIX-br$1
    ip link show "$name" >/dev/null 2>&1 && return
    ip link add "$name" type bridge
    ip addr add "$NET.$1.254/24" dev "$name"
    ip link set "$name" up
}

make_host() {
    local host=$1 net ipaddr
    net=$(host_net "$host")
    ipaddr=$(host_ip "$host")
    ip netns list | grep -qw "$(ns "$host")" && return
    make_bridge "$net"
    ip netns add "$(ns "$host")"
    ip link add "$PREFIX-$host" type veth peer name eth0 netns "$(ns "$host")"
    ip link set "$PREFIX-$host" master "$PREFIX-br$net" up
    ip -n "$(ns "$host")" addr add "$ipaddr/24" dev eth0
    ip -n "$(ns "$host")" link set eth0 up
    ip -n "$(ns "$host")" link set lo up
    ip -n "$(ns "$host")" route add default via "$NET.$net.254"
}

region_hosts() { local r=$1; for i in $(seq 1 "$HOSTS_PER_REGION"); do echo "$r$i"; done; }

case "${1:-}" in
up)
    shift
    regions=("$@")
    [ ${#regions[@]} -gt 0 ] || regions=(rsk)
    sysctl -qw net.ipv4.ip_forward=1
    make_host center
    for region in "${regions[@]}"; do
        [ -n "${REGION_NET[$region]:-}" ] || die "unknown region $region"
        for host in $(region_hosts "$region"); do make_host "$host"; done
    done
    "$0" hosts
    ;;
add-host)
    host=${2:?host}
    sysctl -qw net.ipv4.ip_forward=1
    host_ip "$host" >/dev/null
    make_host "$host"
    echo "$host $(host_ip "$host")"
    ;;
down)
    for name in $(ip netns list | awk '{print $1}' | grep "^$PREFIX-" || true); do ip netns del "$name"; done
    for link in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^$PREFIX-" || true); do
        ip link del "$link" 2>/dev/null || true
    done
    ;;
hosts)
    for name in $(ip netns list | awk '{print $1}' | grep "^$PREFIX-" | sort); do
        host=${name#"$PREFIX-"}
        echo "$host $(host_ip "$host")"
    done
    ;;
exec)
    host=${2:?host}; shift 2
    exec ip netns exec "$(ns "$host")" "$@"
    ;;
cut-node)
    ip link set "$PREFIX-${2:?host}" down
    ;;
heal-node)
    ip link set "$PREFIX-${2:?host}" up
    ;;
cut-center|heal-center)
    region=${2:?region}
    net=${REGION_NET[$region]:-}
    [ -n "$net" ] || die "unknown region $region"
    op=add
    [ "$1" = heal-center ] && op=del
    ip -n "$(ns center)" route "$op" blackhole "$NET.$net.0/24" 2>/dev/null || [ "$op" = del ]
    for name in $(ip netns list | awk '{print $1}' | grep "^$PREFIX-$region[0-9]" || true); do
        ip -n "$name" route "$op" blackhole "$NET.$CENTER_NET.0/24" 2>/dev/null || [ "$op" = del ]
    done
    ;;
delay)
    host=${2:?host}; ms=${3:?milliseconds}
    tc qdisc del dev "$PREFIX-$host" root 2>/dev/null || true
    [ "$ms" = 0 ] || tc qdisc add dev "$PREFIX-$host" root netem delay "${ms}ms"
    ;;
*)
    sed -n '2,27p' "$0"
    exit 2
    ;;
esac
