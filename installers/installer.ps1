<#
.SYNOPSIS
Installs @@APP@@ @@VERSION@@ and @@APP@@-update.

.DESCRIPTION
Rendered by upkeep's scripts/release.mjs from installers/installer.ps1. Installs the app's
binaries and @@APP@@-update (the updater), writes an install receipt that upkeep and axoupdater
read, and adds the install directory to the user's PATH. The receipt records the app's signing
keys, if this installer has any: @@APP@@-update then installs only releases they signed. It also
records the Path entry this installer added (none when it was there already), for an uninstall.

    powershell -ExecutionPolicy Bypass -c "irm <url of this file> | iex"

Environment: @@ENV_PREFIX@@_INSTALL_DIR (or CARGO_DIST_FORCE_INSTALL_DIR), @@ENV_PREFIX@@_UNMANAGED_INSTALL,
@@ENV_PREFIX@@_NO_MODIFY_PATH, @@ENV_PREFIX@@_DISABLE_UPDATE, @@ENV_PREFIX@@_DOWNLOAD_URL (or
INSTALLER_DOWNLOAD_URL), @@ENV_PREFIX@@_INSTALLER_GHE_BASE_URL, @@ENV_PREFIX@@_INSTALLER_GITHUB_BASE_URL,
@@ENV_PREFIX@@_GITHUB_TOKEN, @@ENV_PREFIX@@_PRINT_QUIET, @@ENV_PREFIX@@_PRINT_VERBOSE,
HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY, XDG_CONFIG_HOME, CARGO_HOME.

Exit status: 0 installed, 1 failed (the previous install is left as it was), 2 usage error,
3 no download for this platform.
#>
[CmdletBinding()]
param(
    [switch]$Help,
    [switch]$Quiet,
    [switch]$NoModifyPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 2

$App = '@@APP@@'
$AppVersion = '@@VERSION@@'
$AppTag = '@@TAG@@'
$RepoOwner = '@@OWNER@@'
$RepoName = '@@REPO@@'
$EnvPrefix = '@@ENV_PREFIX@@'
$DefaultBaseUrl = '@@BASE_URL@@'
# A release for a static mirror (release.mjs --mirror): the directory URL of its releases.json, which
# the receipt records as the source; empty for GitHub. The GitHub base-URL variables are then ignored.
$MirrorUrl = '@@MIRROR_URL@@'
$InstallPath = '@@INSTALL_PATH@@'
$UpkeepVersion = '@@UPKEEP_VERSION@@'
# One artifact per line: kind target file sha256 [binaries, comma-separated, of an archive; "upkeep"
# for an updater that is upkeep, the only one that may go into the shared store]. updater-zip is the
# updater in a zip: its own sha256 is checked before unpacking, the updater's after.
$Artifacts = @'
@@ARTIFACTS@@
'@
# One alias per line: binary alias
$Aliases = @'
@@ALIASES@@
'@
# The app's minisign public keys (base64 key lines; none: empty). The receipt records them as
# upkeep_public_keys: upkeep then runs an update's installer only if one of them signed it.
$PublicKeys = @('@@PUBLIC_KEYS@@' -split ' ' | Where-Object { $_ })

$script:Staging = $null

function Write-Say {
    param([string]$Text)
    if (-not $script:IsQuiet) {
        Write-Host $Text
    }
}

function Write-Detail {
    param([string]$Text)
    if (-not $script:IsQuiet) {
        Write-Verbose $Text
    }
}

# An error that ends the install with this exit status.
function Stop-Install {
    param([int]$Status, [string]$Text)
    $err = New-Object System.Exception $Text
    $err.Data['status'] = $Status
    throw $err
}

# Value of $env:<APP>_<Name>, or an empty string.
function Get-AppVar {
    param([string]$Name)
    $value = [Environment]::GetEnvironmentVariable("$($EnvPrefix)_$Name")
    if ($null -eq $value) {
        return ''
    }
    return $value
}

function Test-On {
    param([string]$Value)
    return ($Value -ne '') -and ($Value -ne '0')
}

function Get-Targets {
    $arch = $null
    try {
        $arch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString()
    } catch {
        $arch = $env:PROCESSOR_ARCHITECTURE
    }
    switch -Regex ($arch) {
        '^(X64|AMD64)$' {
            return @('x86_64-pc-windows-msvc')
        }
        '^(Arm64|ARM64)$' {
            # x64 programs run under emulation on Windows on Arm.
            return @('aarch64-pc-windows-msvc', 'x86_64-pc-windows-msvc')
        }
        default {
            Stop-Install 3 "there is no download of $App $AppVersion for your platform ($arch-pc-windows)"
        }
    }
}

# The first artifact of this kind for an acceptable target, as an object, or $null.
function Select-Artifact {
    param([string]$Kind, [string[]]$Targets)
    foreach ($want in $Targets) {
        foreach ($line in ($Artifacts -split "`r?`n")) {
            $f = @($line.Trim() -split '\s+')
            if ($f.Count -ge 4 -and $f[0] -eq $Kind -and $f[1] -eq $want) {
                $bins = @()
                $upkeep = $false
                if ($f.Count -ge 5 -and $f[0] -eq 'updater') {
                    $upkeep = $f[4] -eq 'upkeep'
                } elseif ($f.Count -ge 5) {
                    $bins = @($f[4] -split ',')
                }
                return [pscustomobject]@{ Target = $f[1]; File = $f[2]; Sha256 = $f[3]; Binaries = $bins; Upkeep = $upkeep }
            }
        }
    }
    return $null
}

function Get-UrlHost {
    param([string]$Url)
    try {
        return ([Uri]$Url).Authority
    } catch {
        return ''
    }
}

# Base URLs to try, in cargo-dist's order of precedence.
function Get-BaseUrls {
    $list = Get-AppVar 'DOWNLOAD_URL'
    if ($list -eq '' -and $env:INSTALLER_DOWNLOAD_URL) {
        $list = $env:INSTALLER_DOWNLOAD_URL
    }
    if ($list -ne '') {
        return @($list -split '\s+' | Where-Object { $_ -ne '' } | ForEach-Object { $_.TrimEnd('/') })
    }
    $ghe = Get-AppVar 'INSTALLER_GHE_BASE_URL'
    $gh = Get-AppVar 'INSTALLER_GITHUB_BASE_URL'
    if ($MirrorUrl -ne '') {
        return @($DefaultBaseUrl)
    }
    if ($ghe -ne '') {
        return @("$($ghe.TrimEnd('/'))/$RepoOwner/$RepoName/releases/download/$AppTag")
    }
    if ($gh -ne '') {
        return @("$($gh.TrimEnd('/'))/$RepoOwner/$RepoName/releases/download/$AppTag")
    }
    return @($DefaultBaseUrl)
}

# The host the GitHub token belongs to: the GitHub (Enterprise) host, never a mirror.
function Get-TokenHost {
    $ghe = Get-AppVar 'INSTALLER_GHE_BASE_URL'
    $gh = Get-AppVar 'INSTALLER_GITHUB_BASE_URL'
    if ($ghe -ne '') {
        return Get-UrlHost $ghe
    }
    if ($gh -ne '') {
        return Get-UrlHost $gh
    }
    return 'github.com'
}

# Proxy settings from HTTPS_PROXY/HTTP_PROXY/ALL_PROXY and NO_PROXY, as Invoke-WebRequest arguments.
function Get-ProxyArgs {
    param([string]$Url)
    $target = [Uri]$Url
    $noProxy = "$env:NO_PROXY,$env:no_proxy"
    foreach ($entry in ($noProxy -split '[,\s]+')) {
        $name = $entry.Trim().TrimStart('*').TrimStart('.')
        if ($name -eq '*') {
            return @{}
        }
        if ($name -ne '' -and ($target.Host -eq $name -or $target.Host.EndsWith(".$name"))) {
            return @{}
        }
    }
    $proxy = $null
    if ($target.Scheme -eq 'https') {
        $proxy = @($env:HTTPS_PROXY, $env:https_proxy, $env:ALL_PROXY, $env:all_proxy) | Where-Object { $_ } | Select-Object -First 1
    } else {
        $proxy = @($env:HTTP_PROXY, $env:http_proxy, $env:ALL_PROXY, $env:all_proxy) | Where-Object { $_ } | Select-Object -First 1
    }
    if (-not $proxy) {
        return @{}
    }
    $uri = [Uri]$proxy
    $result = @{ Proxy = "$($uri.Scheme)://$($uri.Authority)" }
    if ($uri.UserInfo -ne '') {
        $parts = $uri.UserInfo -split ':', 2
        $user = [Uri]::UnescapeDataString($parts[0])
        $pass = ''
        if ($parts.Count -gt 1) {
            $pass = [Uri]::UnescapeDataString($parts[1])
        }
        $secure = ConvertTo-SecureString $pass -AsPlainText -Force
        $result['ProxyCredential'] = New-Object System.Management.Automation.PSCredential ($user, $secure)
    }
    return $result
}

function Invoke-Download {
    param([string]$Url, [string]$OutFile)
    Write-Detail "  from $Url"
    $request = @{ Uri = $Url; OutFile = $OutFile; UseBasicParsing = $true }
    $token = Get-AppVar 'GITHUB_TOKEN'
    if ($token -ne '' -and (Get-UrlHost $Url) -eq (Get-TokenHost)) {
        # Both PowerShell 7 and Windows PowerShell drop Authorization when a redirect leaves the host.
        $request['Headers'] = @{ Authorization = "Bearer $token" }
    }
    $proxyArgs = Get-ProxyArgs $Url
    foreach ($key in $proxyArgs.Keys) {
        $request[$key] = $proxyArgs[$key]
    }
    Invoke-WebRequest @request | Out-Null
}

# Downloads File from the first base URL that has it, and checks its SHA-256 (a mismatch ends the
# install). When no base URL has it, the install ends too, or with -Optional $false is returned.
function Get-Verified {
    param([string]$File, [string]$Sha256, [string]$Destination, [switch]$Optional)
    $last = ''
    foreach ($base in (Get-BaseUrls)) {
        try {
            Invoke-Download "$base/$File" $Destination
        } catch {
            $last = "$base/$File ($($_.Exception.Message))"
            Write-Detail "  trying alternative download URL"
            continue
        }
        Assert-Sha256 $Destination $Sha256 $File
        return $true
    }
    if ($Optional) {
        Write-Detail "  could not download $File (last tried $last)"
        return $false
    }
    Stop-Install 1 "could not download $File (last tried $last)"
}

# Ends the install (the file deleted) unless Path has this SHA-256.
function Assert-Sha256 {
    param([string]$Path, [string]$Sha256, [string]$Name)
    $got = (Get-FileHash -Algorithm SHA256 -LiteralPath $Path).Hash.ToLowerInvariant()
    if ($got -ne $Sha256) {
        Remove-Item -Force -LiteralPath $Path
        Stop-Install 1 "checksum mismatch for $($Name): expected $Sha256, got $got (nothing was installed)"
    }
    Write-Detail "  sha256 $got verified"
}

# The updater, through its .zip when Expand-Archive is here (and the release has one), else the plain
# file; either way Destination ends up with the updater's SHA-256.
function Get-Updater {
    param($Updater, [string]$Destination)
    $packed = Select-Artifact 'updater-zip' @($Updater.Target)
    if ($null -ne $packed -and (Get-Command Expand-Archive -ErrorAction SilentlyContinue)) {
        $zipPath = Join-Path $script:Staging $packed.File
        if (Get-Verified $packed.File $packed.Sha256 $zipPath -Optional) {
            $unpacked = Join-Path $script:Staging 'updater'
            $inner = Join-Path $unpacked "$App-update.exe"
            $ok = $true
            try {
                Expand-Archive -LiteralPath $zipPath -DestinationPath $unpacked
                Move-Item -Force -LiteralPath $inner -Destination $Destination
            } catch {
                Write-Detail "  could not unpack $($packed.File); downloading $($Updater.File) instead"
                $ok = $false
            }
            Remove-Item -Force -LiteralPath $zipPath -ErrorAction SilentlyContinue
            if ($ok) {
                Assert-Sha256 $Destination $Updater.Sha256 "$($Updater.File) (unpacked from $($packed.File))"
                return
            }
        }
    }
    Get-Verified $Updater.File $Updater.Sha256 $Destination | Out-Null
}

# Sets the install prefix, bin dir and layout with cargo-dist's precedence:
# <APP>_INSTALL_DIR > CARGO_DIST_FORCE_INSTALL_DIR > <APP>_UNMANAGED_INSTALL > the configured path.
function Resolve-InstallDir {
    $forced = Get-AppVar 'INSTALL_DIR'
    if ($forced -eq '' -and $env:CARGO_DIST_FORCE_INSTALL_DIR) {
        $forced = $env:CARGO_DIST_FORCE_INSTALL_DIR
    }
    $unmanaged = Get-AppVar 'UNMANAGED_INSTALL'
    $cargoHome = $env:CARGO_HOME
    if (-not $cargoHome) {
        $cargoHome = Join-Path $HOME '.cargo'
    }
    $result = @{ Unmanaged = $false }
    if ($forced -ne '') {
        $result.Prefix = $forced
        if ($InstallPath -eq 'CARGO_HOME') {
            $result.Layout = 'cargo-home'
        } else {
            $result.Layout = 'flat'
        }
    } elseif ($unmanaged -ne '') {
        $result.Prefix = $unmanaged
        $result.Layout = 'flat'
        $result.Unmanaged = $true
    } elseif ($InstallPath -eq 'CARGO_HOME') {
        $result.Prefix = $cargoHome
        $result.Layout = 'cargo-home'
    } elseif ($InstallPath.StartsWith('~/')) {
        $result.Prefix = Join-Path $HOME $InstallPath.Substring(2)
        $result.Layout = 'flat'
    } elseif ($InstallPath.StartsWith('$')) {
        $spec = $InstallPath.Substring(1)
        $name = ($spec -split '/', 2)[0]
        $value = [Environment]::GetEnvironmentVariable($name)
        if (-not $value) {
            Stop-Install 1 "could not find a valid path to install to: `$$name is not set"
        }
        $result.Prefix = $value + $spec.Substring($name.Length)
        $result.Layout = 'flat'
    } else {
        $result.Prefix = $InstallPath
        $result.Layout = 'flat'
    }
    $result.Prefix = [IO.Path]::GetFullPath(($result.Prefix -replace '/', '\')).TrimEnd('\')
    # cargo-dist 0.26+: a flat install into CARGO_HOME itself keeps its binaries in CARGO_HOME\bin.
    if ($result.Layout -eq 'flat' -and $result.Prefix -eq [IO.Path]::GetFullPath($cargoHome).TrimEnd('\')) {
        $result.Layout = 'cargo-home'
    }
    if ($result.Layout -eq 'cargo-home') {
        $result.BinDir = Join-Path $result.Prefix 'bin'
    } else {
        $result.BinDir = $result.Prefix
    }
    return $result
}

function Get-ReceiptDir {
    if ($env:XDG_CONFIG_HOME) {
        return Join-Path $env:XDG_CONFIG_HOME $App
    }
    return Join-Path $env:LOCALAPPDATA $App
}

# Writes the receipt atomically, UTF-8 without a byte-order mark; ConvertTo-Json does the escaping.
# PathChanges: the PATH changes this install made (Add-ToPath's results), for an uninstall to undo.
function Write-Receipt {
    param($Where, [string[]]$Binaries, [bool]$ModifyPath, [object[]]$PathChanges = @())
    $aliasMap = [ordered]@{}
    foreach ($line in ($Aliases -split "`r?`n")) {
        $f = @($line.Trim() -split '\s+')
        if ($f.Count -eq 2 -and $Binaries -contains $f[0]) {
            if (-not $aliasMap.Contains($f[0])) {
                $aliasMap[$f[0]] = @()
            }
            $aliasMap[$f[0]] += $f[1]
        }
    }
    $receipt = [ordered]@{
        binaries = @($Binaries)
        binary_aliases = $aliasMap
        cdylibs = @()
        cstaticlibs = @()
        install_layout = $Where.Layout
        install_prefix = $Where.Prefix
        modify_path = $ModifyPath
        provider = [ordered]@{ source = 'upkeep'; version = $UpkeepVersion }
        source = [ordered]@{ app_name = $App; name = $RepoName; owner = $RepoOwner; release_type = 'github' }
        version = $AppVersion
    }
    if ($MirrorUrl -ne '') {
        $receipt.source = [ordered]@{ release_type = 'mirror'; url = $MirrorUrl }
    }
    # The PATH changes this install made, after "source" (the keys are in alphabetical order); no field
    # when it made none. Inserted before the keys, so upkeep_public_keys then goes between it and "version".
    if ($PathChanges.Count -gt 0) {
        $receipt.Insert($receipt.Count - 1, 'upkeep_path_changes', @($PathChanges))
    }
    # The signing keys, before "version" (the keys are in alphabetical order); no field without keys.
    if ($PublicKeys.Count -gt 0) {
        $receipt.Insert($receipt.Count - 1, 'upkeep_public_keys', [string[]]$PublicKeys)
    }
    $json = ConvertTo-Json -InputObject $receipt -Depth 5 -Compress
    $dir = Get-ReceiptDir
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    $tmp = Join-Path $dir ".$App-receipt.json.$PID"
    [IO.File]::WriteAllText($tmp, $json + "`n", (New-Object System.Text.UTF8Encoding $false))
    Move-Item -Force -LiteralPath $tmp -Destination (Join-Path $dir "$App-receipt.json")
    Write-Detail "  receipt $(Join-Path $dir "$App-receipt.json")"
}

# Prepends the bin dir to the user's Path in the registry (HKCU\Environment), once. Returns the change
# it made, as the receipt records it ({type = user_path; entry}), or nothing when the entry was there.
function Add-ToPath {
    param([string]$BinDir)
    if ($env:GITHUB_PATH) {
        Add-Content -LiteralPath $env:GITHUB_PATH -Value $BinDir
    }
    $key = Get-Item -LiteralPath 'HKCU:\Environment'
    $current = $key.GetValue('Path', '', 'DoNotExpandEnvironmentNames')
    $entries = @($current -split ';' | Where-Object { $_ -ne '' })
    foreach ($entry in $entries) {
        if ($entry.TrimEnd('\') -ieq $BinDir.TrimEnd('\')) {
            return
        }
    }
    $updated = (@($BinDir) + $entries) -join ';'
    Set-ItemProperty -LiteralPath 'HKCU:\Environment' -Name 'Path' -Value $updated -Type ExpandString
    # Setting any user variable broadcasts WM_SETTINGCHANGE, so new shells see the new Path.
    $dummy = "upkeep-$([guid]::NewGuid())"
    [Environment]::SetEnvironmentVariable($dummy, '1', 'User')
    [Environment]::SetEnvironmentVariable($dummy, [NullString]::Value, 'User')
    Write-Say ''
    Write-Say "$BinDir was added to your PATH; restart your shell, or for this one run:"
    Write-Say "    `$env:Path = `"$BinDir;`$env:Path`""
    return [ordered]@{ type = 'user_path'; entry = $BinDir }
}

# upkeep is ~100 MB (a JavaScript runtime inside), so apps share one copy per upkeep build:
# %LOCALAPPDATA%\upkeep\Data\<version>-<sha256 prefix>\upkeep.exe, with <app>-update.exe a hard link to
# it, downloaded only when the store has no copy yet. users\ holds one file per link; a version no link
# uses any more is deleted. A full copy is installed where a hard link cannot be made (another volume),
# or with UPKEEP_NO_SHARED_UPDATER=1. Only upkeep goes there: another updater is installed as a plain file.
function Get-StoreRoot {
    return Join-Path $env:LOCALAPPDATA 'upkeep\Data'
}

# The store's copy of the upkeep build with this SHA-256, or $null. The directory name only says where
# to look: the file's content must have the hash.
function Find-StoredUpdater {
    param([string]$Sha256)
    $root = Get-StoreRoot
    if (-not (Test-Path -LiteralPath $root)) {
        return $null
    }
    foreach ($dir in @(Get-ChildItem -LiteralPath $root -Directory -Filter "*-$($Sha256.Substring(0, 12))")) {
        $file = Join-Path $dir.FullName 'upkeep.exe'
        if ((Test-Path -LiteralPath $file -PathType Leaf) -and (Get-FileHash -Algorithm SHA256 -LiteralPath $file).Hash.ToLowerInvariant() -eq $Sha256) {
            return $file
        }
    }
    return $null
}

function Get-UserEntry {
    param([string]$Path)
    return ($Path -replace '[\\/:]', '%')
}

# Links <app>-update.exe to Stored (the store's copy, when the download was skipped) or to a store copy
# of Staged (the verified download) when Share; else, or where no link can be made, installs a copy.
# (PowerShell's names ignore case: the locals here differ from the parameters by more than that.)
function Install-Updater {
    param([string]$Staged, [string]$Sha256, [string]$BinDir, [bool]$Share, [string]$Stored)
    $link = Join-Path $BinDir "$App-update.exe"
    if ($Share) {
        try {
            $target = $Stored
            if (-not $target) {
                $versionDir = Join-Path (Get-StoreRoot) "$UpkeepVersion-$($Sha256.Substring(0, 12))"
                $target = Join-Path $versionDir 'upkeep.exe'
                New-Item -ItemType Directory -Force -Path $versionDir | Out-Null
                $tmp = Join-Path $versionDir ".upkeep.$PID.exe"
                Copy-Item -Force -LiteralPath $Staged -Destination $tmp
                Move-Item -Force -LiteralPath $tmp -Destination $target
            }
            $versionDir = Split-Path -Parent $target
            New-Item -ItemType Directory -Force -Path (Join-Path $versionDir 'users') | Out-Null
            $newLink = Join-Path $script:Staging "$App-update.link.exe"
            New-Item -ItemType HardLink -Path $newLink -Target $target | Out-Null
            Move-Item -Force -LiteralPath $newLink -Destination $link
            Set-Content -LiteralPath (Join-Path $versionDir "users\$(Get-UserEntry $link)") -Value $link
            Write-Say "  $App-update.exe -> $target"
            Remove-UnusedUpdaters
            return
        } catch {
            Write-Detail "  could not link to the shared updater; installing a copy"
        }
        if (-not $Staged) {
            $Staged = Join-Path $script:Staging "$App-update.exe"
            Copy-Item -Force -LiteralPath $Stored -Destination $Staged
        }
    }
    Move-Item -Force -LiteralPath $Staged -Destination $link
    Write-Say "  $App-update.exe"
    Remove-UnusedUpdaters
}

# Deletes store versions no link uses any more. A hard link cannot be followed back to its store
# file, so a link still uses a version when its file has that version's hash.
function Remove-UnusedUpdaters {
    $root = Get-StoreRoot
    if (-not (Test-Path -LiteralPath $root)) {
        return
    }
    foreach ($dir in @(Get-ChildItem -LiteralPath $root -Directory)) {
        $live = $false
        $prefix = ($dir.Name -split '-')[-1]
        $users = Join-Path $dir.FullName 'users'
        if (Test-Path -LiteralPath $users) {
            foreach ($entry in @(Get-ChildItem -LiteralPath $users -File)) {
                $usedBy = Get-Content -LiteralPath $entry.FullName -TotalCount 1
                if ($usedBy -and (Test-Path -LiteralPath $usedBy) -and (Get-FileHash -Algorithm SHA256 -LiteralPath $usedBy).Hash.ToLowerInvariant().StartsWith($prefix)) {
                    $live = $true
                } else {
                    Remove-Item -Force -LiteralPath $entry.FullName
                }
            }
        }
        if (-not $live) {
            # A copy that is running cannot be deleted yet; the next install tries again.
            Remove-Item -Recurse -Force -LiteralPath $dir.FullName -ErrorAction SilentlyContinue
        }
    }
}

function Install-App {
    if ($Help) {
        Get-Help $PSCommandPath -Detailed
        return
    }
    $script:IsQuiet = $Quiet -or (Test-On (Get-AppVar 'PRINT_QUIET'))
    if (Test-On (Get-AppVar 'PRINT_VERBOSE')) {
        $script:VerbosePreference = 'Continue'
    }
    if ($NoModifyPath) {
        Write-Warning "-NoModifyPath is deprecated; set $($EnvPrefix)_NO_MODIFY_PATH=1 instead"
    }
    if ($PSVersionTable.PSVersion.Major -lt 5) {
        Stop-Install 1 "PowerShell 5 or later is needed"
    }
    # Windows PowerShell 5.1 may default to TLS 1.0, which GitHub refuses.
    [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12

    $targets = Get-Targets
    $archive = Select-Artifact 'archive' $targets
    if ($null -eq $archive) {
        Stop-Install 3 "there is no download of $App $AppVersion for your platform ($($targets[0]))"
    }
    $where = Resolve-InstallDir
    $noModify = Get-AppVar 'NO_MODIFY_PATH'
    if ($noModify -eq '' -and $env:INSTALLER_NO_MODIFY_PATH) {
        $noModify = $env:INSTALLER_NO_MODIFY_PATH
    }
    $modifyPath = -not ((Test-On $noModify) -or $NoModifyPath -or $where.Unmanaged)
    $withUpdater = -not ($where.Unmanaged -or (Test-On (Get-AppVar 'DISABLE_UPDATE')))

    try {
        New-Item -ItemType Directory -Force -Path $where.BinDir | Out-Null
        $script:Staging = Join-Path $where.BinDir ".$App-staging.$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory -Path $script:Staging | Out-Null
    } catch {
        Stop-Install 1 "could not write to $($where.BinDir) (no write permission?)"
    }

    Write-Say "downloading $App $AppVersion $($archive.Target)"
    $archivePath = Join-Path $script:Staging $archive.File
    Get-Verified $archive.File $archive.Sha256 $archivePath | Out-Null
    $unpacked = Join-Path $script:Staging 'unpacked'
    try {
        Expand-Archive -LiteralPath $archivePath -DestinationPath $unpacked
    } catch {
        Stop-Install 1 "could not unpack $($archive.File) (damaged or truncated download?); nothing was installed"
    }
    $root = Join-Path $unpacked "$App-$($archive.Target)"
    if (-not (Test-Path -LiteralPath $root)) {
        $root = $unpacked
    }
    foreach ($bin in $archive.Binaries) {
        if (-not (Test-Path -LiteralPath (Join-Path $root $bin))) {
            Stop-Install 1 "$($archive.File) does not contain $bin; nothing was installed"
        }
    }

    $updater = $null
    if ($withUpdater) {
        $u = Select-Artifact 'updater' $targets
        if ($null -ne $u) {
            $share = $u.Upkeep -and -not (Test-On "$env:UPKEEP_NO_SHARED_UPDATER")
            $stored = $null
            if ($share) {
                $stored = Find-StoredUpdater $u.Sha256
            }
            $updater = ''
            if ($stored) {
                Write-Detail "  $App-update.exe: this upkeep build is already in $(Get-StoreRoot); not downloading it"
            } else {
                $updater = Join-Path $script:Staging "$App-update.exe"
                Get-Updater $u $updater
            }
        } else {
            Write-Warning "this release has no $App-update for $($archive.Target); updates will not be available"
        }
    }

    Write-Say "installing to $($where.BinDir)"
    foreach ($bin in $archive.Binaries) {
        Move-Item -Force -LiteralPath (Join-Path $root $bin) -Destination (Join-Path $where.BinDir $bin)
        Write-Say "  $bin"
        foreach ($line in ($Aliases -split "`r?`n")) {
            $f = @($line.Trim() -split '\s+')
            if ($f.Count -eq 2 -and $f[0] -eq $bin) {
                $link = Join-Path $script:Staging $f[1]
                New-Item -ItemType HardLink -Path $link -Target (Join-Path $where.BinDir $bin) | Out-Null
                Move-Item -Force -LiteralPath $link -Destination (Join-Path $where.BinDir $f[1])
                Write-Say "  $($f[1]) -> $bin"
            }
        }
    }
    if ($null -ne $updater) {
        Install-Updater $updater $u.Sha256 $where.BinDir $share $stored
    }

    # The Path first, so the receipt can record the entry it added (an uninstall removes only that).
    $pathChanges = @()
    if ($modifyPath) {
        $pathChanges = @(Add-ToPath $where.BinDir)
    }
    if ($withUpdater) {
        Write-Receipt $where $archive.Binaries $modifyPath $pathChanges
    }
    Write-Say "everything's installed!"
}

$status = 0
try {
    Install-App
} catch {
    $status = 1
    if ($_.Exception.Data.Contains('status')) {
        $status = [int]$_.Exception.Data['status']
    }
    Write-Host "ERROR: $($_.Exception.Message)" -ForegroundColor Red
} finally {
    if ($script:Staging -and (Test-Path -LiteralPath $script:Staging)) {
        Remove-Item -Recurse -Force -LiteralPath $script:Staging
    }
}
exit $status
