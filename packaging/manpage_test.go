package packaging

import (
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// roffText strips the font and escape sequences provbox.8 uses, leaving
// the words a reader sees.
func roffText(s string) string {
	return strings.NewReplacer(`\fB`, "", `\fI`, "", `\fR`, "", `\-`, "-", `\e`, `\`).Replace(s)
}

// helpText is `provbox help` of a freshly built binary.
func helpText(t *testing.T) string {
	t.Helper()
	return stdout(t, provboxBinary(t), "help")
}

// helpCommands lists the verbs under "Commands:" in the help text.
func helpCommands(t *testing.T, help string) []string {
	t.Helper()
	_, rest, ok := strings.Cut(help, "\nCommands:\n")
	if !ok {
		t.Fatalf("no Commands: section in provbox help:\n%s", help)
	}
	block, _, _ := strings.Cut(rest, "\n\n")
	var cmds []string
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z]+)  `).FindAllStringSubmatch(block, -1) {
		cmds = append(cmds, m[1])
	}
	if len(cmds) == 0 {
		t.Fatalf("no commands parsed from:\n%s", block)
	}
	return cmds
}

// manCommands lists the verbs the man page's COMMANDS section describes
// (".TP" then ".B verb ...").
func manCommands(man string) []string {
	_, rest, _ := strings.Cut(man, "\n.SH COMMANDS\n")
	section, _, _ := strings.Cut(rest, "\n.SH ")
	var cmds []string
	for _, m := range regexp.MustCompile(`(?m)^\.TP\n\.B ([a-z]+)`).FindAllStringSubmatch(section, -1) {
		if !slices.Contains(cmds, m[1]) {
			cmds = append(cmds, m[1])
		}
	}
	return cmds
}

// TestManPageMatchesHelp: every command, sub-verb and flag `provbox help`
// lists is in provbox.8, and the man page describes no command the binary
// lacks.
func TestManPageMatchesHelp(t *testing.T) {
	help := helpText(t)
	man := readFile(t, "provbox.8")
	text := roffText(man)
	cmds := helpCommands(t, help)
	documented := manCommands(man)
	for _, c := range cmds {
		if !slices.Contains(documented, c) {
			t.Errorf("provbox.8 COMMANDS does not describe %q (from provbox help)", c)
		}
	}
	for _, c := range documented {
		if c != "help" && !slices.Contains(cmds, c) {
			t.Errorf("provbox.8 describes %q, which provbox help does not list", c)
		}
	}
	for _, v := range helpSubverbs(help) {
		if !manHasSubverb(man, v[0], v[1]) {
			t.Errorf("provbox.8 has no %q %q line (provbox help lists it)", v[0], v[1])
		}
	}
	for _, f := range regexp.MustCompile(`(?:^|[\s\[|])(--?[a-z][a-z-]*)`).FindAllStringSubmatch(help, -1) {
		if !strings.Contains(text, f[1]) {
			t.Errorf("provbox.8 does not mention the flag %s", f[1])
		}
	}
	for _, code := range []string{"0", "1", "2"} {
		if !strings.Contains(man, "\n.SH EXIT STATUS\n") || !strings.Contains(man, "\n.B "+code+"\n") {
			t.Errorf("provbox.8 EXIT STATUS lacks %s", code)
		}
	}
}

// helpSubverbs reads the "<group> verbs:" lines: "device list [...] | show
// MAC | rm MAC" gives (device list), (device show), (device rm).
func helpSubverbs(help string) [][2]string {
	var out [][2]string
	for _, m := range regexp.MustCompile(`(?m)^  (account|device|ban|lease) (.*)$`).FindAllStringSubmatch(help, -1) {
		for _, part := range strings.Split(m[2], " | ") {
			if f := strings.Fields(part); len(f) > 0 && regexp.MustCompile(`^[a-z]+$`).MatchString(f[0]) {
				out = append(out, [2]string{m[1], f[0]})
			}
		}
	}
	return out
}

// manHasSubverb finds a ".B group ..." line in which verb is a word.
func manHasSubverb(man, group, verb string) bool {
	for _, l := range strings.Split(man, "\n") {
		rest, ok := strings.CutPrefix(l, ".B "+group+" ")
		if !ok {
			continue
		}
		for _, part := range strings.Split(roffText(rest), "|") {
			if f := strings.Fields(part); len(f) > 0 && f[0] == verb {
				return true
			}
		}
	}
	return false
}

// TestManPageRenders: groff reports no warnings (-ww) for provbox.8.
func TestManPageRenders(t *testing.T) {
	groff := needTool(t, "groff", "groff-base")
	out, err := exec.Command(groff, "-man", "-ww", "-z", "provbox.8").CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("groff -man -ww: %v\n%s", err, out)
	}
}
