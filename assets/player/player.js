// @ts-check
// The prototype player: plays a sandbox prototype (演示模式) from one JSON bundle, with no
// dependencies, so that the same file runs inside the app's play mode and inlined in the
// self-contained HTML export (`triloop prototype html`).
//
// Contract (kept by the core's bundle builder and this file):
//   TriloopPlayer.mount(element, bundle, options) -> { stop(), walk() }
// where `bundle` is the core's `PlayerBundle` (screens, components with resolved bindings,
// actions, sample data, broken bindings) and `options` carries the language and callbacks.
