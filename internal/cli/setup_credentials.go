package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tillpair/tillpair/keystore"
	"github.com/tillpair/tillpair/providers"
)

// asked are the credentials `tillpair setup <id>` asks for, in the
// descriptor's order: the required ones.
func asked(d *providers.Descriptor) []providers.Credential {
	var out []providers.Credential
	for _, c := range d.Credentials {
		if !c.Optional {
			out = append(out, c)
		}
	}
	return out
}

// pipeExample is the shell line that pipes d's credentials to setup.
func pipeExample(d *providers.Descriptor) string {
	var formats, vars []string
	for _, c := range asked(d) {
		formats = append(formats, `%s\n`)
		vars = append(vars, `"$`+strings.ToUpper(strings.TrimPrefix(c.Name, d.ID+"_"))+`"`)
	}
	return "printf '" + strings.Join(formats, "") + "' " + strings.Join(vars, " ") + " | tillpair setup " + d.ID
}

// newSetupCredentialsCmd is `tillpair setup <id>` for a provider that
// needs credentials: its prompts, keyring items, settings and environment
// variables are the descriptor's.
func newSetupCredentialsCmd(e *env, d *providers.Descriptor) *cobra.Command {
	cs := asked(d)
	var labels, envs, items []string
	for _, c := range cs {
		labels = append(labels, c.Label)
		envs = append(envs, c.Env())
		if c.Secret {
			items = append(items, c.Item)
		}
	}
	var b strings.Builder
	para := func(s string) { b.WriteString(wrap(s, helpColumns) + "\n\n") }
	para(fmt.Sprintf("Store the %s credentials: %s. Secrets go to the OS keyring (%s), settings to the records file (pairings.json). They are never printed.",
		d.Name, strings.Join(labels, " and "), orList(items)))
	for _, c := range cs {
		b.WriteString(wrapIndented("  "+c.Label+": "+c.Help, "    ", helpColumns) + "\n")
	}
	b.WriteString("\n")
	lines := "it from stdin as one line"
	if len(cs) > 1 {
		lines = "them from stdin as " + count(len(cs)) + " lines, in that order"
	}
	para("Asks for each without echoing it when stdin is a terminal. Otherwise it reads " + lines + ":")
	b.WriteString("  " + pipeExample(d) + "\n\n")
	para(fmt.Sprintf("When %s %s set, tillpair uses %s and nothing needs storing: stdin is not read, and anything piped in is ignored (a note on stderr says so).",
		strings.Join(envs, " and "), plural(len(envs), "is", "are"), plural(len(envs), "it", "them")))
	para("Ctrl-C at a prompt cancels, and Ctrl-D at an empty one ends the input: either way nothing is stored.")
	b.WriteString(wrap("Exit codes: 0 stored (or env vars in use); 1 cancelled (Ctrl-C); 2 bad or missing input; 6 keyring or records store failure.", helpColumns))
	return &cobra.Command{
		Use:   d.ID,
		Short: "Store the " + strings.Join(labels, " and "),
		Long:  b.String(),
		Args:  noArgs,
		RunE:  func(*cobra.Command, []string) error { return runSetupCredentials(e, d) },
	}
}

func runSetupCredentials(e *env, d *providers.Descriptor) error {
	cs := asked(d)
	given := map[string]providers.Secret{}
	var envs []string
	fromEnv := true
	for _, c := range cs {
		envs = append(envs, c.Env())
		if v := strings.TrimSpace(e.getenv(c.Env())); v != "" {
			given[c.Name] = providers.NewSecret(v)
		} else {
			fromEnv = false
		}
	}
	if fromEnv {
		_, err := fmt.Fprintf(e.stdout, "%s %s set: tillpair uses %s, and nothing needs storing.\n", strings.Join(envs, " and "), plural(len(envs), "is", "are"), plural(len(envs), "it", "them"))
		e.noteStdinUnread(strings.Join(envs, " and "))
		for _, c := range cs {
			warnCredential(e, c, given[c.Name], given, c.Env())
		}
		return err
	}
	lines := "one line"
	if len(cs) > 1 {
		lines = count(len(cs)) + " lines"
	}
	command := "tillpair setup " + d.ID
	read, extra := e.credentialReader(command, "pipe them as "+lines+", e.g. "+pipeExample(d))
	values := map[string]providers.Secret{}
	for _, c := range cs {
		v, err := read(c.Label)
		if err != nil {
			return err
		}
		values[c.Name] = v
	}
	var labels []string
	for _, c := range cs {
		labels = append(labels, "the "+c.Label)
	}
	warnExtraLines(e, extra, lines+" ("+strings.Join(labels, ", then ")+")")
	var secrets []keyringItem
	var secretLabels, settingLabels []string
	for _, c := range cs {
		if c.Secret {
			secrets = append(secrets, keyringItem{c.Item, values[c.Name]})
			secretLabels = append(secretLabels, c.Label)
		}
	}
	var service string
	if len(secrets) > 0 {
		var err error
		if service, err = e.storeCredentials(secrets...); err != nil {
			return err
		}
	}
	path, err := e.storeSettings(cs, values)
	if err != nil {
		return err
	}
	switch len(secretLabels) {
	case 0:
	case 1:
		fmt.Fprintf(e.stdout, "%s stored in the OS keyring (service %q).\n", secretLabels[0], service)
	default:
		fmt.Fprintf(e.stdout, "%s credentials stored in the OS keyring (service %q): %s.\n", d.Short, service, strings.Join(secretLabels, " and "))
	}
	for _, c := range cs {
		if !c.Secret {
			settingLabels = append(settingLabels, c.Label)
		}
	}
	if len(settingLabels) > 0 {
		fmt.Fprintf(e.stdout, "%s saved in %s.\n", strings.Join(settingLabels, " and "), path)
	}
	for _, c := range cs {
		warnCredential(e, c, values[c.Name], values, "the "+c.Label)
	}
	var set []string
	for _, c := range cs {
		if strings.TrimSpace(e.getenv(c.Env())) != "" {
			set = append(set, c.Env())
		}
	}
	if len(set) > 0 {
		fmt.Fprintf(e.stderr, "Note: %s %s set and takes precedence over the stored value.\n", orList(set), plural(len(set), "is", "are"))
	}
	next := "start pairing on the terminal, then run `" + pairExampleWith(d, "CODE") + "`."
	if d.Model == providers.CodeFromPOS {
		next = "run `" + pairExampleWith(d, "") + "` and type the code it shows on the terminal."
	}
	_, err = fmt.Fprintln(e.stdout, "Next: "+next)
	return err
}

// pairExampleWith is the pair command line for d with code ("" for none).
func pairExampleWith(d *providers.Descriptor, code string) string {
	line := "tillpair pair" + pairFlagFor(d.ID)
	if code != "" {
		line += " --code " + code
	}
	return line
}

// warnCredential prints the descriptor's warning about a value, if any.
func warnCredential(e *env, c providers.Credential, v providers.Secret, given map[string]providers.Secret, source string) {
	if c.Warn == nil || v.IsZero() {
		return
	}
	if w := c.Warn(v, given, source); w != "" {
		fmt.Fprintf(e.stderr, "Warning: %s\n", w)
	}
}

// storeSettings keeps the non-secret credentials in the records file's
// settings and returns its path ("" when there were none).
func (e *env) storeSettings(cs []providers.Credential, values map[string]providers.Secret) (string, error) {
	var settings []providers.Credential
	for _, c := range cs {
		if !c.Secret {
			settings = append(settings, c)
		}
	}
	if len(settings) == 0 {
		return "", nil
	}
	dir, err := keystore.ConfigDir(e.getenv, e.g.configDir)
	if err != nil {
		return "", withExit(ExitUsage, &userError{msg: err.Error() + ".", err: err})
	}
	recs, err := keystore.OpenRecords(dir)
	if err != nil {
		return "", err
	}
	err = recs.Update(func(f *keystore.File) error {
		for _, c := range settings {
			f.Settings.SetValue(c.Name, values[c.Name].Reveal())
		}
		return nil
	})
	return recs.Path(), err
}

// helpColumns is the width Long help texts are filled to.
const helpColumns = 79

// wrap fills text to width columns.
func wrap(text string, width int) string { return wrapIndented(text, "", width) }

// wrapIndented fills text to width columns, continuation lines starting
// with indent.
func wrapIndented(text, indent string, width int) string {
	var b strings.Builder
	col := 0
	for i, w := range strings.Fields(text) {
		n := len([]rune(w))
		switch {
		case i == 0:
			lead := text[:len(text)-len(strings.TrimLeft(text, " "))]
			b.WriteString(lead + w)
			col = len(lead) + n
			continue
		case col+1+n > width:
			b.WriteString("\n" + indent + w)
			col = len(indent) + n
			continue
		}
		b.WriteString(" " + w)
		col += 1 + n
	}
	return b.String()
}

// count words a small number ("two"), as running text does.
func count(n int) string {
	if words := []string{"no", "one", "two", "three", "four", "five"}; n < len(words) {
		return words[n]
	}
	return fmt.Sprint(n)
}
