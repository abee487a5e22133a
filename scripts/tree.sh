#!/bin/sh
# (Re)create build/linux from the pinned tarball and apply patches/series (both sections, in
# order: series v2, then the follow-up series in patches/DIR/) on branch series; keep the
# worktrees build/linux-stock at tag base and build/linux-v2 at series v2's last commit (tag v2-tip).
# Idempotent: does nothing while patches/ match the stamp (build/linux/.git/wb-applied).
# Refuses to re-apply over commits that were not exported (make export), unless FORCE=1.
set -eu
. "$(dirname "$0")/lib.sh"
. "$ROOT/base.pin"
T=$B/linux
FORCE=${FORCE:-0}
GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-workbench} GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-workbench@localhost}
GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-workbench} GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-workbench@localhost}
export GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL

# pinned_tarball: make sure the pinned package is installed and its tarball matches the pin.
# If apt no longer serves the pinned version, install the newest one and say so loudly.
pinned_tarball() {
	have=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null || true)
	if [ "$have" != "$VERSION" ]; then
		apt_fresh
		if apt-cache madison "$PKG" | grep -q "| $VERSION |"; then
			log tree "installing $PKG=$VERSION"
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$PKG=$VERSION" >/dev/null ||
				die "cannot install Debian package $PKG=$VERSION"
		else
			need_pkgs "$PKG"
			have=$(dpkg-query -W -f='${Version}' "$PKG")
			cat >&2 <<-MSG
			*****************************************************************
			* WARNING: apt no longer serves $PKG $VERSION (base.pin).
			* Using $have instead: the base differs from the pin, and
			* patches may not apply. Update base.pin when this is intended.
			*****************************************************************
			MSG
			VERSION=$have
			return 0
		fi
	fi
	echo "$SHA256  $TARBALL" | sha256sum -c --quiet - >/dev/null 2>&1 ||
		die "$TARBALL ($PKG $VERSION) does not match the sha256 in base.pin"
}

# create_tree: unpack the tarball into build/linux, commit it all as tag base, branch series.
create_tree() {
	log tree "unpacking $TARBALL into $T"
	rm -rf "$T.new"
	mkdir -p "$T.new"
	# Debian's tarball is xz in many blocks: xz decompresses them on every CPU
	xz -dc -T0 "$TARBALL" | tar -x -C "$T.new" --strip-components=1
	git -C "$T.new" init -q -b series
	# loose objects stored, not deflated: the 1.5 GB tree is added and checked out (twice) faster
	git -C "$T.new" config core.looseCompression 0
	git -C "$T.new" add -f -A
	git -C "$T.new" commit -q -m "Debian $PKG $VERSION"
	git -C "$T.new" tag base
	mv "$T.new" "$T"
}

# apply_series: reset branch series to base and git am -3 each patch; die naming the one that fails.
apply_series() {
	git -C "$T" checkout -q -B series refs/tags/base
	for p in $(series_files); do
		log tree "applying $p"
		if ! git -C "$T" am -q -3 "$ROOT/patches/$p" >"$B/logs/am.log" 2>&1; then
			cat "$B/logs/am.log" >&2
			git -C "$T" am --abort >/dev/null 2>&1 || true
			printf "patches=failed\nhead=%s\n" "$(git -C "$T" rev-parse HEAD)" >"$T/.git/wb-applied"
			die "patch $p does not apply on the series so far (git am -3; tree left at the patch before)"
		fi
	done
	write_stamp
}

# same_patch_ids: true if branch series holds patches/series' changes, in order (git patch-id).
same_patch_ids() {
	for p in $(series_files); do git -C "$T" patch-id --stable <"$ROOT/patches/$p" | cut -d' ' -f1; done >"$B/logs/ids.patches"
	git -C "$T" log --reverse -p --format='commit %H' refs/tags/base..series | git -C "$T" patch-id --stable |
		cut -d' ' -f1 >"$B/logs/ids.series"
	cmp -s "$B/logs/ids.patches" "$B/logs/ids.series"
}

mkdir -p "$B/logs"
pinned_tarball
[ -d "$T/.git" ] || create_tree
git -C "$T" log -1 --format=%s refs/tags/base | grep -qF "$VERSION" ||
	die "build/linux is based on '$(git -C "$T" log -1 --format=%s refs/tags/base)', base.pin says $VERSION: remove build/linux and build/linux-stock, then make tree"

if [ -f "$T/.git/wb-applied" ]; then
	old_patches=$(sed -n 's/^patches=//p' "$T/.git/wb-applied")
	old_head=$(sed -n 's/^head=//p' "$T/.git/wb-applied")
else
	old_patches=none old_head=$(git -C "$T" rev-parse refs/tags/base)
fi
if [ "$old_patches" = "$(patches_hash)" ]; then
	log tree "build/linux already holds patches/ ($(series_commits "$T") commits on series)"
elif [ "$(git -C "$T" rev-parse HEAD)" != "$old_head" ] && same_patch_ids; then
	write_stamp
	log tree "branch series holds the changes of patches/ (same patch-ids): recorded, nothing applied"
elif [ "$FORCE" != 1 ] && [ "$(git -C "$T" rev-parse HEAD)" != "$old_head" ]; then
	die "patches/ changed, but build/linux HEAD moved since the last apply/export (commits not exported): run make export, or make tree FORCE=1 to discard them"
elif [ "$FORCE" != 1 ] && [ -n "$(git -C "$T" status --porcelain --untracked-files=no)" ]; then
	die "patches/ changed, but build/linux has uncommitted changes: commit and make export, or make tree FORCE=1 to discard them"
else
	apply_series
	log tree "applied $(series_files | wc -l) patches ($(series_files 1 | wc -l) of series v2, $(series_files 2 | wc -l) in patches/$(series_dir)/): series at $(git -C "$T" log -1 --format='%h %s')"
fi

# keep_worktree DIR REV: make DIR a worktree of build/linux detached at REV: added when missing,
# moved to REV when at another commit. A DIR left by an earlier build/linux (its .git names a
# worktree that build/linux does not have) is removed and added again.
keep_worktree() {
	_c=$(git -C "$T" rev-parse "$2^{commit}")
	if [ -e "$1" ] && [ "$(git -C "$1" rev-parse --path-format=absolute --git-common-dir 2>/dev/null)" != "$(git -C "$T" rev-parse --path-format=absolute --git-common-dir)" ]; then
		grep -q "^gitdir: $T/.git/worktrees/" "$1/.git" 2>/dev/null ||
			die "$1 exists but is not a worktree of build/linux: remove it, then make tree"
		log tree "$1: a worktree of an earlier build/linux: removing it, then adding it again"
		rm -rf "$1"
	fi
	if [ ! -e "$1" ]; then
		git -C "$T" worktree prune
		git -C "$T" worktree add -q --detach "$1" "$_c"
	elif [ "$(git -C "$1" rev-parse HEAD)" != "$_c" ]; then
		log tree "moving $1 from $(git -C "$1" log -1 --format=%h HEAD) to $(git -C "$T" log -1 --format=%h "$_c")"
		git -C "$1" checkout -q --detach "$_c" ||
			die "cannot check $2 out in $1 (local changes? git -C $1 status)"
	fi
}

tag_v2
nv2=$(git -C "$T" rev-list --count refs/tags/base..refs/tags/v2-tip)
# v2-tip should be section 1's last patch (patches/series may be behind unexported commits).
v2p=$ROOT/patches/$(series_files 1 | tail -n 1)
if [ -f "$v2p" ]; then
	want=$(git -C "$T" mailinfo /dev/null /dev/null <"$v2p" | sed -n 's/^Subject: //p')
	[ "$want" = "$(git -C "$T" log -1 --format=%s refs/tags/v2-tip)" ] ||
		log tree "warning: commit $nv2 of series is '$(git -C "$T" log -1 --format=%s refs/tags/v2-tip)', not series v2's last patch '$want' (make export, with V2_PATCHES=N if series v2 now has N commits)"
fi
keep_worktree "$B/linux-stock" refs/tags/base
keep_worktree "$B/linux-v2" refs/tags/v2-tip
log tree "worktrees: build/linux-stock at base, build/linux-v2 at $(git -C "$T" log -1 --format='%h %s' refs/tags/v2-tip) (v2-tip, $nv2 commits)"
