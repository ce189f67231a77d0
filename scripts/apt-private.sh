# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Sourced by scripts/qemu10.sh and scripts/microcode.sh: apt-get with a private
# configuration, so fetching a Debian package into build/ never changes what the
# host's apt knows (its sources, lists, cache and dpkg status stay untouched).
#
#   apt_host_mirror           the Debian mirror the host's apt uses for bookworm (deb822
#                             .sources or one-line .list files), or nothing
#   apt_private DIR ARGS...   apt-get ARGS with sources.list, lists, cache and an empty
#                             dpkg status all under DIR (the caller creates and fills DIR)

apt_host_mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		case $f in
		*.sources) awk 'tolower($1) == "uris:" { u = $2 }
			tolower($1) == "suites:" && u != "" { for (i = 2; i <= NF; i++) if ($i == "bookworm") { print u; exit } }
			/^$/ { u = "" }' "$f" ;;
		*) awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($(i + 1) == "bookworm") print $i; break } }' "$f" ;;
		esac
	done | head -1
}

apt_private() {
	local a=$1
	shift
	apt-get -q \
		-o Dir::Etc::SourceList="$a/sources.list" \
		-o Dir::Etc::SourceParts="$a/sources.list.d" \
		-o Dir::Etc::Preferences="$a/preferences" \
		-o Dir::Etc::PreferencesParts="$a/preferences.d" \
		-o Dir::State="$a/state" \
		-o Dir::State::Lists="$a/state/lists" \
		-o Dir::State::status="$a/status" \
		-o Dir::Cache="$a/cache" \
		-o Debug::NoLocking=1 \
		-o APT::Sandbox::User="$(id -un)" \
		"$@"
}
