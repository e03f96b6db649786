package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tillpair/tillpair/providers"
	"github.com/tillpair/tillpair/screens"
)

// screenArgs is what a screen is built from besides the model's state.
type screenArgs struct {
	// pairing is the pairing the confirming screen waits for.
	pairing providers.Pairing
	// justPaired marks the pairing just made on the paired screen.
	justPaired string
	// err, retry, back, pairingID and about make an error screen:
	// the failure, the intent r repeats (nil: none), where enter returns,
	// the pairing Forget removes and the pairing the failure is about.
	err       error
	retry     tea.Msg
	back      screens.ID
	pairingID string
	about     string
	// cancelFailed words err as a failed cancel of a waiting pairing.
	cancelFailed bool
}

// builder makes one screen.
type builder func(m *Model, a screenArgs) screens.Screen

// screenTable builds every screen by id: the one place the root names a
// screen's constructor.
var screenTable = map[screens.ID]builder{
	screens.Unpaired: func(m *Model, _ screenArgs) screens.Screen {
		return screens.NewUnpaired(m.c, m.desc().Code, len(m.active()) > 0)
	},
	screens.Paired: func(m *Model, a screenArgs) screens.Screen {
		return screens.NewPaired(m.c, m.shownPairings(), a.justPaired)
	},
	screens.Confirming: func(m *Model, a screenArgs) screens.Screen {
		if b, ok := confirmingByModel[m.desc().Model]; ok {
			return b(m, a)
		}
		return screens.NewConfirming(m.c, a.pairing, m.env.static)
	},
	screens.ErrorView: func(m *Model, a screenArgs) screens.Screen {
		if a.cancelFailed {
			return screens.NewCancelFailed(m.c, a.err, a.retry, a.back).About(a.about)
		}
		return screens.NewError(m.c, a.err, a.retry, a.back, a.pairingID).About(a.about)
	},
	screens.Setup: func(m *Model, _ screenArgs) screens.Screen {
		return screens.NewRegister(m.c, m.register.id, m.register.ok)
	},
	screens.Picker: func(m *Model, _ screenArgs) screens.Screen {
		var items []screens.PickerItem
		for _, p := range m.env.svc.Providers() {
			items = append(items, screens.PickerItem{ID: p.ID(), Badge: m.env.badges[p.ID()]})
		}
		return screens.NewPicker(m.c, items)
	},
}

// confirmingByModel is the screen shown while a pairing awaits
// confirmation, for the pairing models whose screen differs from the
// default (the terminal's confirmation code): a code_from_pos provider's
// "show code" screen goes here. The entry is keyed by pairing model, so
// the flow names no provider.
var confirmingByModel = map[providers.PairingModel]builder{
	providers.CodeFromPOS: func(m *Model, a screenArgs) screens.Screen {
		return screens.NewShowCode(m.c, m.desc(), a.pairing)
	},
}

// build makes screen id.
func (m *Model) build(id screens.ID, a screenArgs) screens.Screen { return screenTable[id](m, a) }

// open builds screen id and shows it.
func (m *Model) open(id screens.ID, a screenArgs) tea.Cmd {
	s := m.build(id, a)
	if id == screens.Unpaired {
		m.kept[screens.Unpaired] = s
	}
	return m.show(s)
}

// showError shows an error screen.
func (m *Model) showError(a screenArgs) tea.Cmd { return m.open(screens.ErrorView, a) }
