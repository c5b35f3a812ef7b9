#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fails if a script of the project calls a command scripts/commands.list
does not name (with the Debian package that has it).

What is read, everything tracked by git outside kmod/:
  - shell scripts (*.sh, or a #!/bin/sh or #!/bin/bash first line), and the
    scripts given to `sh -c` / `bash -c` in them;
  - Makefile recipe lines;
  - C string literals given to vss_sh(), vss_sh_out(), system(), popen(),
    run_cmd() and the file name given to execlp()/execvp().

A word is taken for a command when it stands where a command stands (first
word of a line or after ; | & && || $( ` ( { ! then do else, after leading
VAR=value assignments and after wrappers such as timeout, exec, env,
xargs), and it is the name of a program installed on this host: the
project's own scripts, variables, shell builtins and functions are not
commands to install. The guests run the host's root, so what the host
has is what every guest has.

This is a lint, not a shell parser: it is good at what it is for (a
newly used sfdisk, mkfs.btrfs or parted), and wrong at times about a
word in a string. A false hit is silenced by listing it in IGNORED below
with the reason.

  scripts/lint-commands.py [--list FILE] [-v]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The busybox initramfs runs busybox's applets, not the host's programs
# (busybox-static is in the list for them).
SKIPPED_FILES = {"selftests/vm/init"}

# Words in command position that are not commands run by the project.
IGNORED = {
    # the generic names of a user's COMMAND in vssctl's help and examples
    "COMMAND",
}

KEYWORDS = {
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until",
    "for", "case", "esac", "in", "function", "select", "time", "!", "{",
    "}", "[[", "]]", "coproc",
}

# Wrappers: the command they run is the next word after their options.
# Value: how many plain (non-option) words they take before the command.
WRAPPERS = {
    "exec": 0, "command": 0, "nohup": 0, "setsid": 0, "stdbuf": 0,
    "nice": 0, "ionice": 0, "env": 0, "xargs": 0, "sudo": 0,
    "timeout": 1, "chroot": 1, "flock": 1, "taskset": 1, "unshare": 0,
    "nsenter": 0, "valgrind": 0, "strace": 0, "fakeroot": 0,
}
# Options of wrappers that take a value in the next word.
WRAPPER_OPTS_WITH_VALUE = {
    "timeout": {"-s", "-k", "--signal", "--kill-after"},
    "xargs": {"-n", "-P", "-I", "-L", "-d", "-a", "-s", "-E"},
    "nice": {"-n"},
    "ionice": {"-c", "-n"},
    "stdbuf": {"-o", "-e", "-i"},
    "sudo": {"-u", "-g"},
    "env": {"-u", "-C", "-S"},
}


def bash_builtins():
    try:
        out = subprocess.run(["bash", "-c", "compgen -b"], capture_output=True,
                             text=True, check=True).stdout
        return set(out.split())
    except (OSError, subprocess.CalledProcessError):
        return {"cd", "echo", "printf", "read", "test", "[", "true", "false",
                "exit", "return", "set", "unset", "export", "local", "shift",
                "trap", "wait", "kill", "eval", "source", ".", ":", "type",
                "declare", "mapfile", "readarray", "let", "pwd", "umask",
                "ulimit", "break", "continue", "getopts", "hash", "jobs"}


def host_path():
    dirs = os.environ.get("PATH", "").split(":")
    for d in ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
              "/sbin", "/bin"):
        if d not in dirs:
            dirs.append(d)
    return ":".join(d for d in dirs if d)


def tracked_files():
    out = subprocess.run(["git", "-C", TOP, "ls-files"], capture_output=True,
                         text=True, check=True).stdout
    return [f for f in out.splitlines() if f not in SKIPPED_FILES]


def is_shell(path):
    if path.endswith(".sh") or path == ".ci/run":
        return True
    try:
        with open(os.path.join(TOP, path), "rb") as f:
            first = f.readline()
    except OSError:
        return False
    return bool(re.match(rb"#!\s*/(usr/)?bin/(env )?(ba)?sh\b", first))


class Lexer:
    """Splits shell text into simple commands (lists of words), with the
    line each starts on. Quotes are honoured; $( ) and backticks inside
    double quotes start commands of their own; single-quoted text is
    kept as one word (and re-read when it is the script of sh -c)."""

    def __init__(self, text):
        self.text = text
        self.cmds = []  # (line, [words])

    def run(self):
        self.lex(self.text, 1)
        return self.cmds

    def lex(self, text, line0):
        words, word, line, start_line = [], None, line0, line0
        i, n = 0, len(text)
        heredoc = []  # pending here-document terminators

        def end_word():
            nonlocal word
            if word is not None:
                words.append(word)
                word = None

        def end_cmd():
            nonlocal words, start_line
            end_word()
            if words:
                self.cmds.append((start_line, words))
            words = []
            start_line = line

        while i < n:
            c = text[i]
            if c == "\n":
                end_cmd()
                line += 1
                start_line = line
                i += 1
                # Skip here-document bodies: data, not commands.
                while heredoc:
                    term = heredoc.pop(0)
                    while i < n:
                        j = text.find("\n", i)
                        j = n if j < 0 else j
                        body = text[i:j]
                        i = j + 1
                        line += 1
                        if body.strip() == term:
                            break
                    start_line = line
                continue
            if c == "\\" and i + 1 < n:
                if text[i + 1] == "\n":
                    line += 1
                    i += 2
                    continue
                word = (word or "") + text[i + 1]
                i += 2
                continue
            if c == "#" and word is None:
                j = text.find("\n", i)
                i = n if j < 0 else j
                continue
            if c in " \t":
                end_word()
                i += 1
                continue
            if c == "'":
                j = text.find("'", i + 1)
                j = n if j < 0 else j
                word = (word or "") + "\0SQ" + text[i + 1:j] + "\0"
                line += text.count("\n", i, j)
                i = j + 1
                continue
            if c == '"':
                j = i + 1
                buf = ""
                while j < n and text[j] != '"':
                    if text[j] == "\\" and j + 1 < n:
                        buf += text[j:j + 2]
                        j += 2
                        continue
                    if text.startswith("$(", j) and not text.startswith("$((", j):
                        k = self.matching(text, j + 1)
                        self.lex(text[j + 2:k], line + text.count("\n", i, j))
                        buf += "$(...)"
                        j = k + 1
                        continue
                    if text[j] == "`":
                        k = text.find("`", j + 1)
                        k = n if k < 0 else k
                        self.lex(text[j + 1:k], line + text.count("\n", i, j))
                        j = k + 1
                        continue
                    buf += text[j]
                    j += 1
                word = (word or "") + buf
                line += text.count("\n", i, j)
                i = j + 1
                continue
            if text.startswith("$((", i):
                k = text.find("))", i)
                k = n if k < 0 else k
                word = (word or "") + "$((...))"
                i = k + 2
                continue
            if text.startswith("$(", i):
                k = self.matching(text, i + 1)
                self.lex(text[i + 2:k], line)
                line += text.count("\n", i, k)
                word = (word or "") + "$(...)"
                i = k + 1
                continue
            if c == "$" and text.startswith("${", i):
                k = text.find("}", i)
                k = n if k < 0 else k
                word = (word or "") + text[i:k + 1]
                i = k + 1
                continue
            if c == "`":
                k = text.find("`", i + 1)
                k = n if k < 0 else k
                self.lex(text[i + 1:k], line)
                line += text.count("\n", i, k)
                word = (word or "") + "$(...)"
                i = k + 1
                continue
            if text.startswith("<<", i) and not text.startswith("<<<", i):
                m = re.match(r"<<-?\s*(['\"]?)([A-Za-z_0-9]+)\1", text[i:])
                if m:
                    heredoc.append(m.group(2))
                    i += m.end()
                    continue
            if c in ";|&()":
                end_cmd()
                i += 1
                continue
            if c in "<>":
                # A redirection: its target is not a word of the command.
                end_word()
                j = i
                while j < n and text[j] in "<>&":
                    j += 1
                while j < n and text[j] in " \t":
                    j += 1
                k = j
                while k < n and text[k] not in " \t\n;|&()":
                    if text[k] in "'\"":
                        q = text.find(text[k], k + 1)
                        k = n if q < 0 else q
                    k += 1
                i = k
                continue
            word = (word or "") + c
            i += 1
        end_cmd()

    @staticmethod
    def matching(text, open_idx):
        """Index of the ) closing the ( at open_idx."""
        depth, i = 0, open_idx
        while i < len(text):
            if text[i] == "(":
                depth += 1
            elif text[i] == ")":
                depth -= 1
                if depth == 0:
                    return i
            elif text[i] == "'":
                q = text.find("'", i + 1)
                i = len(text) if q < 0 else q
            i += 1
        return len(text)


def strip_sq(word):
    return word.replace("\0SQ", "").replace("\0", "")


def command_words(words):
    """Yields (command, rest) for a simple command, through wrappers."""
    i = 0
    while i < len(words):
        w = strip_sq(words[i])
        # "for NAME in WORDS", "case WORD in": no command until "do" or ")".
        if w in ("for", "select", "case"):
            return
        if w in KEYWORDS or re.match(r"^[A-Za-z_][A-Za-z_0-9]*(\[[^]]*\])?\+?=", w):
            i += 1
            continue
        break
    if i >= len(words):
        return
    cmd = strip_sq(words[i])
    yield cmd, words[i + 1:]
    if cmd in WRAPPERS:
        rest = words[i + 1:]
        plain = WRAPPERS[cmd]
        j = 0
        with_value = WRAPPER_OPTS_WITH_VALUE.get(cmd, set())
        while j < len(rest):
            w = strip_sq(rest[j])
            if w.startswith("-"):
                j += 2 if w in with_value else 1
                continue
            if cmd == "env" and "=" in w:
                j += 1
                continue
            if plain > 0:
                plain -= 1
                j += 1
                continue
            break
        if j < len(rest):
            yield from command_words(rest[j:])


class Linter:
    def __init__(self, listed, verbose):
        self.listed = listed
        self.verbose = verbose
        self.builtins = bash_builtins()
        self.path = host_path()
        self.functions = set()
        self.found = {}  # command -> first "file:line"
        self.cache = {}

    def is_program(self, cmd):
        if cmd not in self.cache:
            self.cache[cmd] = shutil.which(cmd, path=self.path) is not None
        return self.cache[cmd]

    def shell(self, path, text, line0=1):
        for line, words in Lexer(text).run():
            self.simple(path, line0 + line - 1, words)

    def simple(self, path, line, words):
        for cmd, rest in command_words(words):
            if cmd in ("sh", "bash") and len(rest) >= 2 and strip_sq(rest[0]) == "-c":
                self.shell(path, strip_sq(rest[1]), line)
            self.note(path, line, cmd)

    def note(self, path, line, cmd):
        # /usr/bin/python3 is python3; ./x, $top/x and build/x are ours.
        m = re.match(r"^/(?:usr/)?s?bin/([^/]+)$", cmd or "")
        if m:
            cmd = m.group(1)
        if (not cmd or "/" in cmd or "$" in cmd or cmd in self.builtins
                or cmd in KEYWORDS or cmd in self.functions or cmd in IGNORED
                or not re.match(r"^[A-Za-z0-9_.+-]+$", cmd)):
            return
        if not self.is_program(cmd):
            return
        self.found.setdefault(cmd, f"{path}:{line}")

    def makefile(self, path, text):
        lines = text.split("\n")
        i = 0
        while i < len(lines):
            ln = lines[i]
            start = i + 1
            if ln.startswith("\t"):
                body = ln[1:]
                while body.endswith("\\") and i + 1 < len(lines):
                    i += 1
                    body = body[:-1] + " " + lines[i].lstrip("\t")
                body = body.lstrip("@-+ ")
                # Make's own variables and functions are not commands;
                # $$ is the shell's $.
                body = re.sub(r"\$\((MAKE|CC|CXX|AR|PYTHON|PKG_CONFIG|INSTALL)\)",
                              lambda m: m.group(1).lower().replace("_", "-"), body)
                body = re.sub(r"\$\([^()]*\)", "$v", body).replace("$$", "$")
                self.shell(path, body, start)
            i += 1

    C_CALL = re.compile(r"\b(vss_sh_out|vss_sh|system|popen|run_cmd|execlp|execvp)\s*\(")

    def c_source(self, path, text):
        for m in self.C_CALL.finditer(text):
            fn = m.group(1)
            args = text[m.end():]
            if fn == "vss_sh_out":
                # vss_sh_out(out, size, "fmt", ...)
                lit = re.match(r'[^";]*?,[^";]*?,\s*((?:"(?:[^"\\]|\\.)*"\s*)+)', args)
            elif fn == "run_cmd":
                lit = re.match(r'(?:[^";()]*?,)?\s*((?:"(?:[^"\\]|\\.)*"\s*)+)', args)
            else:
                lit = re.match(r'\s*((?:"(?:[^"\\]|\\.)*"\s*)+)', args)
            if not lit:
                continue
            s = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', lit.group(1)))
            s = bytes(s, "utf-8").decode("unicode_escape")
            s = re.sub(r"%[-0-9.*]*l*[sdulxz]", "X", s)
            line = text.count("\n", 0, m.start()) + 1
            if fn in ("execlp", "execvp"):
                self.note(path, line, s)
            else:
                self.shell(path, s, line)
        # Command lines kept in macros and tables ("mkfs.xfs -q -f"): a
        # literal that starts with a program and an option.
        for m in re.finditer(r'"([A-Za-z0-9_.+-]+) -[^"]*"', text):
            self.note(path, text.count("\n", 0, m.start()) + 1, m.group(1))


def read_list(path):
    listed = {}
    with open(path) as f:
        for n, ln in enumerate(f, 1):
            ln = ln.split("#", 1)[0].split()
            if not ln:
                continue
            if len(ln) < 2:
                sys.exit(f"{path}:{n}: want 'NAME PACKAGE [TAG]'")
            listed[ln[0]] = ln[1]
    return listed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--list", default=os.path.join(TOP, "scripts/commands.list"))
    ap.add_argument("-v", action="store_true", help="print every command found")
    args = ap.parse_args()

    listed = read_list(args.list)
    lint = Linter(listed, args.v)
    files = tracked_files()
    texts = {}
    for f in files:
        try:
            with open(os.path.join(TOP, f), encoding="utf-8") as fh:
                texts[f] = fh.read()
        except (OSError, UnicodeDecodeError):
            continue
    shells = [f for f in texts if is_shell(f)]
    # Functions are defined in one script and used in those that source it.
    for f in shells:
        lint.functions.update(re.findall(
            r"^\s*(?:function\s+)?([A-Za-z_][A-Za-z_0-9-]*)\s*\(\)", texts[f], re.M))
    for f in shells:
        lint.shell(f, texts[f])
    for f in texts:
        base = os.path.basename(f)
        if base == "Makefile" or base.endswith(".mk"):
            lint.makefile(f, texts[f])
        elif f.endswith(".c"):
            lint.c_source(f, texts[f])

    missing = sorted(c for c in lint.found if c not in listed)
    if args.v:
        for c in sorted(lint.found):
            print(f"{c:20} {listed.get(c, '-'):24} {lint.found[c]}")
    for c in missing:
        print(f"{lint.found[c]}: calls {c}, which scripts/commands.list does "
              f"not name (add: {c} PACKAGE)", file=sys.stderr)
    if missing:
        print(f"lint-commands: {len(missing)} command(s) not in {os.path.relpath(args.list, TOP)}",
              file=sys.stderr)
        return 1
    print(f"lint-commands: {len(lint.found)} commands called, all listed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
