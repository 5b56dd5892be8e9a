#!/bin/sh
# shellcheck shell=sh
#
# Installer for @@APP@@ @@VERSION@@, rendered by upkeep's scripts/release.mjs from
# installers/installer.sh. It installs the app's binaries and @@APP@@-update (the updater),
# writes an install receipt that upkeep and axoupdater read (it records the app's signing keys, when
# this installer was rendered with them), and adds the binaries to PATH.
#
#     curl -fsSL <url of this file> | sh
#
# Options: -q/--quiet, -v/--verbose, -h/--help. Environment: see usage() below.
# Exit status: 0 installed, 1 failed (the previous install is left as it was), 2 usage error,
# 3 no download for this platform.
#
# Runs under any POSIX sh (dash, bash, busybox ash); needs curl or wget, tar, xz (or gzip),
# mktemp, and sha256sum, shasum or openssl. The updater comes compressed (.xz) when xz, unxz or
# busybox unxz is there, else as the plain file.

set -u

APP='@@APP@@'
APP_VERSION='@@VERSION@@'
APP_TAG='@@TAG@@'
REPO_OWNER='@@OWNER@@'
REPO_NAME='@@REPO@@'
# Environment-variable prefix: the app name upper-cased with '-' turned into '_'.
ENV_PREFIX='@@ENV_PREFIX@@'
# Where artifacts are downloaded from unless overridden (GitHub release or a mirror).
DEFAULT_BASE_URL='@@BASE_URL@@'
# A release for a static mirror (release.mjs --mirror): the directory URL of its releases.json, which
# the receipt records as the source; empty for GitHub. The GitHub base-URL variables are then ignored.
MIRROR_URL='@@MIRROR_URL@@'
# CARGO_HOME (cargo-home layout), ~/dir or $VAR/dir (flat layout), expanded in resolve_install_dir.
# shellcheck disable=SC2016 # a literal $VAR here is intended
INSTALL_PATH='@@INSTALL_PATH@@'
UPKEEP_VERSION='@@UPKEEP_VERSION@@'
# One artifact per line: kind target file sha256 [binaries, comma-separated, of an archive; "upkeep"
# for an updater that is upkeep, the only one that may go into the shared store]. updater-xz is the
# updater compressed: its own sha256 is checked before unpacking, the updater's after.
ARTIFACTS='@@ARTIFACTS@@'
# One alias per line: binary alias
ALIASES='@@ALIASES@@'
# The app's minisign public keys (base64 key lines, space-separated; empty: none). The receipt records
# them as upkeep_public_keys: upkeep then runs an update's installer only if one of them signed it.
PUBLIC_KEYS='@@PUBLIC_KEYS@@'

QUIET=0
VERBOSE=0
PROGRESS=0
SHARE_UPDATER=0
STAGE=''
WORK=''

usage() {
    cat <<EOF
$APP-installer.sh: installs $APP $APP_VERSION and $APP-update

Usage: $APP-installer.sh [OPTIONS]

Options:
  -q, --quiet     Print nothing but errors
  -v, --verbose   Print every download and step
  -h, --help      Print this help

Environment:
  ${ENV_PREFIX}_INSTALL_DIR          install here (also CARGO_DIST_FORCE_INSTALL_DIR)
  ${ENV_PREFIX}_UNMANAGED_INSTALL    install flat into this dir: no receipt, updater or PATH change
  ${ENV_PREFIX}_NO_MODIFY_PATH=1     leave PATH alone (also INSTALLER_NO_MODIFY_PATH)
  ${ENV_PREFIX}_DISABLE_UPDATE=1     no $APP-update and no receipt
  ${ENV_PREFIX}_DOWNLOAD_URL         download artifacts from these base URLs (also INSTALLER_DOWNLOAD_URL)
  ${ENV_PREFIX}_INSTALLER_GHE_BASE_URL / ${ENV_PREFIX}_INSTALLER_GITHUB_BASE_URL
                                   download from this GitHub (Enterprise) host
  ${ENV_PREFIX}_GITHUB_TOKEN         token for private releases (sent only to the GitHub host)
  ${ENV_PREFIX}_PRINT_QUIET / ${ENV_PREFIX}_PRINT_VERBOSE (also INSTALLER_PRINT_*)
  HTTPS_PROXY, HTTP_PROXY, NO_PROXY, XDG_CONFIG_HOME, CARGO_HOME, NO_COLOR

The receipt (\${XDG_CONFIG_HOME:-~/.config}/$APP/$APP-receipt.json) records the app's signing
keys, if this installer has any: $APP-update then installs only releases they signed.

Exit status: 0 installed, 1 failed, 2 usage error, 3 no download for this platform.
EOF
}

# ---- output -------------------------------------------------------------------------------

say() {
    if [ "$QUIET" != 1 ]; then printf '%s\n' "$*"; fi
}

say_verbose() {
    if [ "$VERBOSE" = 1 ] && [ "$QUIET" != 1 ]; then printf '%s\n' "$*"; fi
}

red() {
    if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then printf '\033[31m%s\033[0m' "$1"; else printf '%s' "$1"; fi
}

warn() {
    if [ "$QUIET" != 1 ]; then printf '%s %s\n' "$(red WARN:)" "$*" >&2; fi
}

# die STATUS MESSAGE: errors are printed even with --quiet.
die() {
    status=$1
    shift
    printf '%s %s\n' "$(red ERROR:)" "$*" >&2
    exit "$status"
}

have() {
    command -v "$1" >/dev/null 2>&1
}

# Value of ${<APP>_$1}, empty when unset. ENV_PREFIX is checked to be a plain name before use.
app_var() {
    eval "printf '%s' \"\${${ENV_PREFIX}_$1:-}\""
}

# "on" for a switch set to anything but empty or 0.
is_on() {
    [ -n "$1" ] && [ "$1" != 0 ]
}

cleanup() {
    if [ -n "$STAGE" ] && [ -d "$STAGE" ]; then rm -rf "$STAGE"; fi
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then rm -rf "$WORK"; fi
}

# ---- arguments ----------------------------------------------------------------------------

parse_flag() {
    case "$1" in
        h) usage; exit 0 ;;
        q) QUIET=1 ;;
        v) VERBOSE=1 ;;
        *) die 2 "unknown option -$1 (see --help)" ;;
    esac
}

parse_args() {
    for arg in "$@"; do
        case "$arg" in
            --help) usage; exit 0 ;;
            --quiet) QUIET=1 ;;
            --verbose) VERBOSE=1 ;;
            --no-modify-path)
                warn "--no-modify-path is deprecated; set ${ENV_PREFIX}_NO_MODIFY_PATH=1 instead"
                NO_MODIFY_FLAG=1
                ;;
            --*) die 2 "unknown option $arg (see --help)" ;;
            -?*)
                flags=${arg#-}
                while [ -n "$flags" ]; do
                    rest=${flags#?}
                    parse_flag "${flags%"$rest"}"
                    flags=$rest
                done
                ;;
            *) die 2 "unexpected argument $arg (see --help)" ;;
        esac
    done
}

# ---- platform -----------------------------------------------------------------------------

is_musl() {
    if ldd --version 2>&1 | grep -qi musl; then return 0; fi
    for f in /lib/ld-musl-*.so.1; do
        if [ -e "$f" ]; then return 0; fi
    done
    return 1
}

# Sets HOST (for messages) and TARGETS (acceptable targets, best first).
detect_targets() {
    os=$(uname -s 2>/dev/null || echo unknown)
    cpu=$(uname -m 2>/dev/null || echo unknown)
    case "$cpu" in
        x86_64 | amd64) cpu=x86_64 ;;
        aarch64 | arm64) cpu=aarch64 ;;
    esac
    case "$os" in
        Linux)
            if is_musl; then
                HOST="$cpu-unknown-linux-musl"
                TARGETS="$HOST"
            else
                HOST="$cpu-unknown-linux-gnu"
                TARGETS="$HOST $cpu-unknown-linux-musl"
            fi
            ;;
        Darwin)
            # A shell running under Rosetta reports x86_64 on Apple silicon.
            if [ "$cpu" = x86_64 ] && [ "$(sysctl -n hw.optional.arm64 2>/dev/null)" = 1 ]; then cpu=aarch64; fi
            HOST="$cpu-apple-darwin"
            TARGETS="$HOST"
            if [ "$cpu" = aarch64 ]; then TARGETS="$TARGETS x86_64-apple-darwin"; fi
            ;;
        MINGW* | MSYS* | CYGWIN* | Windows_NT)
            die 3 "this is the installer for Linux and macOS; on Windows use $APP-installer.ps1"
            ;;
        *)
            HOST="$cpu-$os"
            TARGETS=''
            ;;
    esac
}

# pick_artifact KIND [TARGET]: prints "target file sha256 extra" of the first artifact of KIND for the
# first acceptable target (or for TARGET).
pick_artifact() {
    kind=$1
    for want in ${2:-$TARGETS}; do
        while read -r k target file sum bins; do
            if [ "$k" = "$kind" ] && [ "$target" = "$want" ]; then
                printf '%s %s %s %s\n' "$target" "$file" "$sum" "${bins:-}"
                return 0
            fi
        done <<EOF
$ARTIFACTS
EOF
    done
    return 1
}

available_targets() {
    while read -r k target _rest; do
        if [ "$k" = archive ]; then printf ' %s' "$target"; fi
    done <<EOF
$ARTIFACTS
EOF
}

# ---- downloads ----------------------------------------------------------------------------

url_host() {
    printf '%s' "$1" | sed -e 's|^[A-Za-z][A-Za-z0-9+.-]*://||' -e 's|[/?#].*$||' -e 's|^.*@||'
}

# Base URLs to try, one per line, in cargo-dist's order of precedence.
base_urls() {
    list=$(app_var DOWNLOAD_URL)
    if [ -z "$list" ]; then list=${INSTALLER_DOWNLOAD_URL:-}; fi
    if [ -n "$list" ]; then
        for u in $list; do printf '%s\n' "${u%/}"; done
        return
    fi
    ghe=$(app_var INSTALLER_GHE_BASE_URL)
    gh=$(app_var INSTALLER_GITHUB_BASE_URL)
    if [ -n "$MIRROR_URL" ]; then
        printf '%s\n' "$DEFAULT_BASE_URL"
    elif [ -n "$ghe" ]; then
        printf '%s\n' "${ghe%/}/$REPO_OWNER/$REPO_NAME/releases/download/$APP_TAG"
    elif [ -n "$gh" ]; then
        printf '%s\n' "${gh%/}/$REPO_OWNER/$REPO_NAME/releases/download/$APP_TAG"
    else
        printf '%s\n' "$DEFAULT_BASE_URL"
    fi
}

# The host the GitHub token belongs to: the GitHub (Enterprise) host, never a mirror.
token_host() {
    ghe=$(app_var INSTALLER_GHE_BASE_URL)
    gh=$(app_var INSTALLER_GITHUB_BASE_URL)
    if [ -n "$ghe" ]; then url_host "$ghe"; elif [ -n "$gh" ]; then url_host "$gh"; else printf 'github.com'; fi
}

# GNU wget forwards --header to redirect targets, so redirects are followed here one hop at a time
# and the token is sent only while on its own host.
wget_get() {
    url=$1
    out=$2
    hops=0
    while [ "$hops" -lt 10 ]; do
        if [ -n "$TOKEN" ] && [ "$(url_host "$url")" = "$TOKEN_HOST" ]; then
            headers=$(WGETRC="$WORK/wgetrc" wget -S --max-redirect=0 -O "$out" "$url" 2>&1)
        else
            headers=$(wget -S --max-redirect=0 -O "$out" "$url" 2>&1)
        fi
        status=$?
        # Only the indented lines are the server's headers (wget adds its own "Location: … [following]").
        location=$(printf '%s\n' "$headers" | sed -n 's/^  [Ll]ocation: *//p' | tail -n 1 | tr -d '\r')
        if [ -z "$location" ]; then return "$status"; fi
        case "$location" in
            http://* | https://*) url=$location ;;
            /*) url="$(printf '%s' "$url" | sed 's|^\([A-Za-z][A-Za-z0-9+.-]*://[^/]*\).*|\1|')$location" ;;
            *) url="${url%/*}/$location" ;;
        esac
        hops=$((hops + 1))
    done
    return 1
}

# download URL FILE [progress]: with "progress", a progress bar on a terminal (never with --quiet).
download() {
    url=$1
    out=$2
    bar=0
    if [ "${3:-}" = progress ] && [ "$PROGRESS" = 1 ]; then bar=1; fi
    say_verbose "  from $url"
    # A snap-packaged curl cannot write outside the user's home, so wget is preferred over it.
    case "$(command -v curl 2>/dev/null)" in
        '' | */snap/*) use_curl=0 ;;
        *) use_curl=1 ;;
    esac
    if [ "$use_curl" = 1 ]; then
        if [ "$bar" = 1 ]; then set -- --progress-bar; else set -- -sS; fi
        if [ -n "$TOKEN" ] && [ "$(url_host "$url")" = "$TOKEN_HOST" ]; then
            # curl (7.58+) never sends a custom Authorization header to another host on redirect.
            curl -fL "$@" --retry 2 -H "@$WORK/auth" -o "$out" "$url"
        else
            curl -fL "$@" --retry 2 -o "$out" "$url"
        fi
    elif have wget; then
        if wget --version 2>/dev/null | grep -q 'GNU Wget'; then
            # Without a token wget may follow redirects itself, and show its bar (GNU wget 1.16+).
            # (A wget before 1.16 refuses --show-progress: then the quiet way.)
            if [ "$bar" = 1 ] && [ -z "$TOKEN" ]; then
                wget -q --show-progress --progress=bar:force -O "$out" "$url" || wget_get "$url" "$out"
            else
                wget_get "$url" "$out"
            fi
        elif [ -n "$TOKEN" ]; then
            die 1 "${ENV_PREFIX}_GITHUB_TOKEN is set, but this wget would send it to every host a download redirects to; install curl or GNU wget"
        elif [ "$bar" = 1 ]; then
            wget -O "$out" "$url"
        else
            wget -q -O "$out" "$url"
        fi
    else
        die 1 "downloading needs curl or wget; install one of them"
    fi
}

# try_fetch FILE SHA256 DEST [progress]: downloads FILE from the first base URL that has it and checks
# its SHA-256 (a mismatch ends the install); status 1 when no base URL has it (FAILED: the last URL).
try_fetch() {
    file=$1
    want=$2
    dest=$3
    failed=''
    for base in $(base_urls); do
        if [ -n "$failed" ]; then say_verbose "  trying alternative download URL $base"; fi
        if download "$base/$file" "$dest" "${4:-}"; then
            check_sha256 "$dest" "$want" "$file"
            return 0
        fi
        failed="$base/$file"
    done
    FAILED=$failed
    return 1
}

# fetch FILE SHA256 DEST [progress]: try_fetch, or the install ends.
fetch() {
    try_fetch "$@" || die 1 "could not download $1 (last tried $FAILED)"
}

# check_sha256 FILE SHA256 NAME: the install ends (FILE deleted) unless FILE has this SHA-256.
check_sha256() {
    got=$(sha256_of "$1")
    if [ "$got" != "$2" ]; then
        rm -f "$1"
        die 1 "checksum mismatch for $3: expected $2, got $got (nothing was installed)"
    fi
    say_verbose "  sha256 $got verified"
}

sha256_of() {
    if have sha256sum; then
        sha256sum "$1" | cut -d ' ' -f 1
    elif have shasum; then
        shasum -a 256 "$1" | cut -d ' ' -f 1
    elif have openssl; then
        openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
    else
        die 1 "verifying downloads needs sha256sum, shasum or openssl; install one of them"
    fi
}

# extract ARCHIVE DIR (no pipelines: dash has no pipefail, and a truncated archive must fail).
extract() {
    case "$1" in
        *.tar.xz)
            if have xz; then xz -dc "$1" >"$1.tar"; else xzcat "$1" >"$1.tar"; fi || return 1
            tar -xf "$1.tar" -C "$2"
            ;;
        *.tar.gz)
            gzip -dc "$1" >"$1.tar" || return 1
            tar -xf "$1.tar" -C "$2"
            ;;
        *.zip) unzip -q "$1" -d "$2" ;;
        *) return 1 ;;
    esac
}

# ---- where ------------------------------------------------------------------------------

# Sets PREFIX, BIN_DIR, LAYOUT and UNMANAGED, with cargo-dist's precedence:
# <APP>_INSTALL_DIR > CARGO_DIST_FORCE_INSTALL_DIR > <APP>_UNMANAGED_INSTALL > INSTALL_PATH.
resolve_install_dir() {
    UNMANAGED=0
    forced=$(app_var INSTALL_DIR)
    if [ -z "$forced" ]; then forced=${CARGO_DIST_FORCE_INSTALL_DIR:-}; fi
    unmanaged=$(app_var UNMANAGED_INSTALL)
    cargo_home=${CARGO_HOME:-$HOME/.cargo}
    if [ -n "$forced" ]; then
        PREFIX=$forced
        if [ "$INSTALL_PATH" = CARGO_HOME ]; then LAYOUT=cargo-home; else LAYOUT=flat; fi
    elif [ -n "$unmanaged" ]; then
        PREFIX=$unmanaged
        LAYOUT=flat
        UNMANAGED=1
    else
        case "$INSTALL_PATH" in
            CARGO_HOME)
                PREFIX=$cargo_home
                LAYOUT=cargo-home
                ;;
            \~/*)
                PREFIX="$HOME/${INSTALL_PATH#??}"
                LAYOUT=flat
                ;;
            '$'*)
                spec=${INSTALL_PATH#'$'}
                name=${spec%%/*}
                value=$(eval "printf '%s' \"\${$name:-}\"")
                if [ -z "$value" ]; then die 1 "could not find a valid path to install to: \$$name is not set"; fi
                PREFIX="$value${spec#"$name"}"
                LAYOUT=flat
                ;;
            *)
                PREFIX=$INSTALL_PATH
                LAYOUT=flat
                ;;
        esac
    fi
    case "$PREFIX" in
        /*) ;;
        *) PREFIX="$(pwd)/$PREFIX" ;;
    esac
    PREFIX=${PREFIX%/}
    # cargo-dist 0.26+: a flat install into CARGO_HOME itself keeps its binaries in CARGO_HOME/bin.
    if [ "$LAYOUT" = flat ] && [ "$PREFIX" = "${cargo_home%/}" ]; then LAYOUT=cargo-home; fi
    if [ "$LAYOUT" = cargo-home ]; then BIN_DIR="$PREFIX/bin"; else BIN_DIR=$PREFIX; fi
}

# ---- the updater ------------------------------------------------------------------------

# upkeep is ~100 MB (a JavaScript runtime inside), so apps share one copy per upkeep build:
# <store>/<upkeep version>-<sha256 prefix>/upkeep, with <app>-update a symlink to it, downloaded only
# when the store has no copy yet. Each version directory keeps, in users/, one file per link that uses
# it; a version no link uses is deleted. A full copy is installed where links cannot be made, or with
# UPKEEP_NO_SHARED_UPDATER=1. Only upkeep goes there: another updater (axoupdater) finds itself by its
# resolved path, which must be in the install prefix, so it is installed as a plain file.
store_root() {
    printf '%s' "${XDG_DATA_HOME:-$HOME/.local/share}/upkeep"
}

# stored_updater SHA256: prints the store's copy of the upkeep build with this SHA-256, if it has one.
# The directory name only says where to look: the file's content must have the hash.
stored_updater() {
    for f in "$(store_root)"/*-"$(printf '%s' "$1" | cut -c 1-12)"/upkeep; do
        if [ -f "$f" ] && [ ! -L "$f" ] && [ "$(sha256_of "$f")" = "$1" ]; then
            printf '%s\n' "$f"
            return 0
        fi
    done
    return 1
}

# The command that writes a .xz file's content to stdout: xz, unxz or busybox unxz, whichever is here.
xz_command() {
    if have xz; then
        printf 'xz -dc'
    elif have unxz; then
        printf 'unxz -c'
    elif have busybox && busybox --list 2>/dev/null | grep -qx unxz; then
        printf 'busybox unxz -c'
    else
        return 1
    fi
}

# fetch_updater TARGET FILE SHA256 DEST: the updater, through its .xz when this system can unpack it
# (and the release has one), else the plain file; either way DEST ends up with the updater's SHA-256.
fetch_updater() {
    u_file=$2
    u_sum=$3
    u_dest=$4
    if unxz_cmd=$(xz_command) && packed=$(pick_artifact updater-xz "$1"); then
        # shellcheck disable=SC2086 # split the record into its fields
        set -- $packed
        if try_fetch "$2" "$3" "$WORK/$2" progress; then
            # shellcheck disable=SC2086 # the command and its options
            if $unxz_cmd "$WORK/$2" >"$u_dest"; then
                rm -f "$WORK/$2"
                check_sha256 "$u_dest" "$u_sum" "$u_file (unpacked from $2)"
                return 0
            fi
            say_verbose "  could not unpack $2 with $unxz_cmd; downloading $u_file instead"
        else
            say_verbose "  could not download $2 (last tried $FAILED); downloading $u_file instead"
        fi
        rm -f "$WORK/$2" "$u_dest"
    fi
    fetch "$u_file" "$u_sum" "$u_dest" progress
}

# The name of a link's entry in users/: its path with '/' turned into '%'.
user_entry() {
    printf '%s' "$1" | sed 's|/|%|g'
}

# store_put SHA256 FILE: copies FILE, the verified updater, into the store; prints the copy's path.
store_put() {
    version_dir="$(store_root)/$UPKEEP_VERSION-$(printf '%s' "$1" | cut -c 1-12)"
    tmp="$version_dir/.upkeep.$$"
    # A hard link where the store shares the bin dir's file system (FILE's own name goes with the staging dir).
    if mkdir -p "$version_dir/users" 2>/dev/null && { ln "$2" "$tmp" 2>/dev/null || cp "$2" "$tmp" 2>/dev/null; } &&
        chmod 755 "$tmp" && mv -f "$tmp" "$version_dir/upkeep"; then
        printf '%s\n' "$version_dir/upkeep"
    else
        rm -f "$tmp" 2>/dev/null
        return 1
    fi
}

# install_updater SHA256 SHARED STAGED: with SHARE_UPDATER, links <app>-update to SHARED (the store's
# copy, when the download was skipped) or to a store copy of STAGED (the verified download); else, or
# where no link can be made, installs a copy.
install_updater() {
    link="$BIN_DIR/$APP-update"
    shared=$2
    staged=$3
    if [ "$SHARE_UPDATER" = 1 ]; then
        if [ -z "$shared" ]; then shared=$(store_put "$1" "$staged") || shared=''; fi
        if [ -n "$shared" ] && mkdir -p "${shared%/upkeep}/users" && ln -s "$shared" "$STAGE/$APP-update.link" 2>/dev/null &&
            mv -f "$STAGE/$APP-update.link" "$link"; then
            printf '%s\n' "$link" >"${shared%/upkeep}/users/$(user_entry "$link")"
            say "  $APP-update -> $shared"
            collect_store
            return
        fi
        rm -f "$STAGE/$APP-update.link"
        say_verbose "  could not link to the shared updater; installing a copy"
        if [ -z "$staged" ]; then
            staged="$STAGE/$APP-update"
            cp "$shared" "$staged" || die 1 "could not copy $shared into $BIN_DIR"
        fi
    fi
    chmod 755 "$staged"
    mv -f "$staged" "$link" || die 1 "could not move $APP-update into $BIN_DIR"
    say "  $APP-update"
    collect_store
}

# Deletes store versions that no link uses any more (entries whose link now points elsewhere go first).
collect_store() {
    for dir in "$(store_root)"/*/; do
        [ -d "$dir" ] || continue
        dir=${dir%/}
        live=0
        for entry in "$dir"/users/*; do
            [ -f "$entry" ] || continue
            used_by=$(cat "$entry")
            if [ -L "$used_by" ] && [ "$(readlink "$used_by")" = "$dir/upkeep" ]; then
                live=1
            else
                rm -f "$entry"
            fi
        done
        if [ "$live" = 0 ]; then
            rm -rf "$dir"
            say_verbose "  removed the unused shared updater $dir"
        fi
    done
}

# ---- receipt ----------------------------------------------------------------------------

# A JSON string literal for $1 (backslash, quote and control characters escaped; UTF-8 kept).
json_str() {
    printf '%s' "$1" | awk 'BEGIN { ORS = ""; printf "\"" }
        {
            gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, "\\r")
            if (NR > 1) printf "\\n"
            printf "%s", $0
        }
        END { printf "\"" }'
}

write_receipt() {
    bins=''
    for b in $INSTALLED_BINS; do bins="$bins${bins:+,}$(json_str "$b")"; done
    aliases=''
    for b in $INSTALLED_BINS; do
        list=''
        while read -r ab alias; do
            if [ -n "$ab" ] && [ "$ab" = "$b" ]; then list="$list${list:+,}$(json_str "$alias")"; fi
        done <<EOF
$ALIASES
EOF
        if [ -n "$list" ]; then aliases="$aliases${aliases:+,}$(json_str "$b"):[$list]"; fi
    done
    # The signing keys, after "source" (the keys are in alphabetical order); no field without keys.
    keys=''
    for k in $PUBLIC_KEYS; do keys="$keys${keys:+,}$(json_str "$k")"; done
    pins=''
    if [ -n "$keys" ]; then pins=",\"upkeep_public_keys\":[$keys]"; fi
    # The PATH changes this run made (modify_path), before the keys: an uninstall undoes exactly those.
    if [ -n "$PATH_CHANGES" ]; then pins=",\"upkeep_path_changes\":[$PATH_CHANGES]$pins"; fi
    receipt_source="{\"app_name\":$(json_str "$APP"),\"name\":$(json_str "$REPO_NAME"),\"owner\":$(json_str "$REPO_OWNER"),\"release_type\":\"github\"}"
    if [ -n "$MIRROR_URL" ]; then receipt_source="{\"release_type\":\"mirror\",\"url\":$(json_str "$MIRROR_URL")}"; fi
    receipt="{\"binaries\":[$bins],\"binary_aliases\":{$aliases},\"cdylibs\":[],\"cstaticlibs\":[],\"install_layout\":\"$LAYOUT\",\"install_prefix\":$(json_str "$PREFIX"),\"modify_path\":$MODIFY_PATH,\"provider\":{\"source\":\"upkeep\",\"version\":$(json_str "$UPKEEP_VERSION")},\"source\":$receipt_source$pins,\"version\":$(json_str "$APP_VERSION")}"
    dir="${XDG_CONFIG_HOME:-$HOME/.config}/$APP"
    mkdir -p "$dir" || die 1 "could not create $dir for the install receipt"
    tmp="$dir/.$APP-receipt.json.$$"
    if printf '%s\n' "$receipt" >"$tmp" && mv -f "$tmp" "$dir/$APP-receipt.json"; then
        say_verbose "  receipt $dir/$APP-receipt.json"
    else
        rm -f "$tmp"
        die 1 "could not write the install receipt in $dir"
    fi
}

# ---- PATH -------------------------------------------------------------------------------

# $HOME/... written late-bound so the rc lines keep working if HOME moves.
home_expr() {
    case "$1" in
        "$HOME"/*) printf '%s' "\$HOME/${1#"$HOME"/}" ;;
        *) printf '%s' "$1" ;;
    esac
}

# record_change JSON: notes one PATH change this run made, for the receipt's "upkeep_path_changes".
record_change() {
    PATH_CHANGES="$PATH_CHANGES${PATH_CHANGES:+,}$1"
}

# append_line FILE LINE [env_file]: adds LINE (after a blank line) unless FILE already has it, and records
# it: as an rc_line, or, with "env_file" and FILE new, as a file of ours.
append_line() {
    if [ -f "$1" ] && grep -qxF "$2" "$1"; then return 1; fi
    existed=0
    if [ -e "$1" ]; then existed=1; fi
    printf '\n%s\n' "$2" >>"$1" || die 1 "could not update $1"
    say_verbose "  added to $1"
    if [ "${3:-}" = env_file ] && [ "$existed" = 0 ]; then
        record_change "{\"type\":\"env_file\",\"file\":$(json_str "$1")}"
    else
        record_change "{\"type\":\"rc_line\",\"file\":$(json_str "$1"),\"line\":$(json_str "$2")}"
    fi
    return 0
}

modify_path() {
    if [ -n "${GITHUB_PATH:-}" ] && ! grep -qxF "$BIN_DIR" "$GITHUB_PATH" 2>/dev/null; then
        printf '%s\n' "$BIN_DIR" >>"$GITHUB_PATH"
    fi
    case ":${PATH:-}:" in
        *":$BIN_DIR:"*) return ;;
    esac
    bin_expr=$(home_expr "$BIN_DIR")
    env_file="$PREFIX/env"
    fish_file="$PREFIX/env.fish"
    if [ ! -f "$env_file" ]; then
        record_change "{\"type\":\"env_file\",\"file\":$(json_str "$env_file")}"
        cat >"$env_file" <<EOF || die 1 "could not write $env_file"
#!/bin/sh
# add $bin_expr to PATH if it isn't there yet
case ":\${PATH}:" in
    *:"$bin_expr":*)
        ;;
    *)
        export PATH="$bin_expr:\$PATH"
        ;;
esac
EOF
    fi
    if [ ! -f "$fish_file" ]; then
        record_change "{\"type\":\"env_file\",\"file\":$(json_str "$fish_file")}"
        cat >"$fish_file" <<EOF || die 1 "could not write $fish_file"
if not contains "$bin_expr" \$PATH
    set -x PATH "$bin_expr" \$PATH
end
EOF
    fi
    line=". \"$(home_expr "$env_file")\""
    changed=0
    found=0
    for rc in .profile .bashrc .bash_profile .bash_login; do
        if [ -f "$HOME/$rc" ]; then
            found=1
            if append_line "$HOME/$rc" "$line"; then changed=1; fi
        fi
    done
    if [ "$found" = 0 ] && append_line "$HOME/.profile" "$line"; then changed=1; fi
    zdir=${ZDOTDIR:-$HOME}
    if [ -f "$zdir/.zshrc" ]; then
        if append_line "$zdir/.zshrc" "$line"; then changed=1; fi
    elif [ -f "$zdir/.zshenv" ]; then
        if append_line "$zdir/.zshenv" "$line"; then changed=1; fi
    elif have zsh; then
        if append_line "$zdir/.zshrc" "$line"; then changed=1; fi
    fi
    if have fish || [ -d "$HOME/.config/fish" ]; then
        mkdir -p "$HOME/.config/fish/conf.d"
        if append_line "$HOME/.config/fish/conf.d/$APP.env.fish" "source \"$(home_expr "$fish_file")\"" env_file; then changed=1; fi
    fi
    if [ "$changed" = 1 ]; then
        say ""
        say "To add $bin_expr to your PATH, either restart your shell or run:"
        say ""
        say "    . \"$(home_expr "$env_file")\" (sh, bash, zsh)"
        say "    source \"$(home_expr "$fish_file")\" (fish)"
    fi
}

# ---- main -------------------------------------------------------------------------------

main() {
    NO_MODIFY_FLAG=''
    parse_args "$@"
    if is_on "$(app_var PRINT_QUIET)" || is_on "${INSTALLER_PRINT_QUIET:-}"; then QUIET=1; fi
    if is_on "$(app_var PRINT_VERBOSE)" || is_on "${INSTALLER_PRINT_VERBOSE:-}"; then VERBOSE=1; fi
    if [ -t 2 ] && [ "$QUIET" != 1 ]; then PROGRESS=1; fi
    case "$ENV_PREFIX" in
        '' | [0-9]* | *[!A-Z0-9_]*) die 1 "this installer is damaged (bad variable prefix '$ENV_PREFIX')" ;;
    esac
    if [ -z "${HOME:-}" ]; then
        HOME=$(getent passwd "$(id -un 2>/dev/null)" 2>/dev/null | cut -d : -f 6)
        [ -n "$HOME" ] || die 1 "HOME is not set and could not be found"
        export HOME
    fi

    sha256_of /dev/null >/dev/null
    detect_targets
    picked=$(pick_artifact archive) || die 3 "there is no download of $APP $APP_VERSION for your platform ($HOST); available:$(available_targets)"
    # shellcheck disable=SC2086 # split the record into its fields
    set -- $picked
    target=$1
    archive=$2
    archive_sum=$3
    bins=$(printf '%s' "${4:-}" | tr ',' ' ')

    resolve_install_dir
    no_modify=$(app_var NO_MODIFY_PATH)
    if [ -z "$no_modify" ]; then no_modify=${INSTALLER_NO_MODIFY_PATH:-}; fi
    if is_on "$no_modify" || [ -n "$NO_MODIFY_FLAG" ] || [ "$UNMANAGED" = 1 ]; then MODIFY_PATH=false; else MODIFY_PATH=true; fi
    with_updater=1
    if [ "$UNMANAGED" = 1 ] || is_on "$(app_var DISABLE_UPDATE)"; then with_updater=0; fi

    TOKEN=$(app_var GITHUB_TOKEN)
    TOKEN_HOST=$(token_host)

    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/$APP-installer.XXXXXX") || die 1 "could not create a temporary directory in ${TMPDIR:-/tmp}"
    if [ -n "$TOKEN" ]; then
        # Kept in files (for curl and GNU wget) so the token never shows in the process list.
        (umask 077 && printf 'Authorization: Bearer %s\n' "$TOKEN" >"$WORK/auth" &&
            printf 'header = Authorization: Bearer %s\n' "$TOKEN" >"$WORK/wgetrc")
    fi
    mkdir -p "$BIN_DIR" 2>/dev/null || die 1 "could not create $BIN_DIR (no write permission?)"
    # Staging next to the binaries: the final moves are renames on one filesystem, so an interrupted
    # install never leaves a half-written binary.
    STAGE=$(mktemp -d "$BIN_DIR/.$APP-staging.XXXXXX" 2>/dev/null) || die 1 "could not write to $BIN_DIR (no write permission?)"

    say "downloading $APP $APP_VERSION $target"
    fetch "$archive" "$archive_sum" "$WORK/$archive"
    mkdir "$STAGE/unpacked"
    extract "$WORK/$archive" "$STAGE/unpacked" || die 1 "could not unpack $archive (damaged or truncated download?); nothing was installed"
    root="$STAGE/unpacked/$APP-$target"
    if [ ! -d "$root" ]; then root="$STAGE/unpacked"; fi
    for b in $bins; do
        [ -f "$root/$b" ] || die 1 "$archive does not contain $b; nothing was installed"
    done

    updater=''
    if [ "$with_updater" = 1 ]; then
        if upicked=$(pick_artifact updater); then
            # shellcheck disable=SC2086 # split the record into its fields
            set -- $upicked
            updater=1
            updater_sum=$3
            updater_shared=''
            updater_staged=''
            SHARE_UPDATER=0
            if [ "${4:-}" = upkeep ] && ! is_on "${UPKEEP_NO_SHARED_UPDATER:-}"; then SHARE_UPDATER=1; fi
            if [ "$SHARE_UPDATER" = 1 ] && updater_shared=$(stored_updater "$3"); then
                say_verbose "  $APP-update: this upkeep build is already in $(store_root); not downloading it"
            else
                updater_shared=''
                updater_staged="$STAGE/$APP-update"
                fetch_updater "$1" "$2" "$3" "$updater_staged"
            fi
        else
            warn "this release has no $APP-update for $target; updates will not be available"
        fi
    fi

    say "installing to $BIN_DIR"
    INSTALLED_BINS=''
    for b in $bins; do
        chmod 755 "$root/$b"
        mv -f "$root/$b" "$BIN_DIR/$b" || die 1 "could not move $b into $BIN_DIR"
        INSTALLED_BINS="$INSTALLED_BINS $b"
        say "  $b"
        while read -r ab alias; do
            if [ -n "$ab" ] && [ "$ab" = "$b" ]; then
                if ! { ln -s "$b" "$STAGE/$alias" && mv -f "$STAGE/$alias" "$BIN_DIR/$alias"; }; then
                    die 1 "could not create the alias $alias"
                fi
                say "  $alias -> $b"
            fi
        done <<EOF
$ALIASES
EOF
    done
    if [ -n "$updater" ]; then
        install_updater "$updater_sum" "$updater_shared" "$updater_staged"
    fi

    # PATH first, so the receipt can list what it changed.
    PATH_CHANGES=''
    if [ "$MODIFY_PATH" = true ]; then modify_path; fi
    if [ "$with_updater" = 1 ]; then write_receipt; fi
    say "everything's installed!"
}

main "$@"
