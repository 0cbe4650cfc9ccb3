//! A generated sandbox prototype of a given size, for benchmarks (`triloop gen-prototype`,
//! the window benchmark): screens on a grid of the storyboard, each with a navigation bar, a
//! stack holding a heading, a form with fields and a submit button, a list with its row
//! template, free-placed texts and buttons, and a button leading to the next screen (so
//! every screen is reachable and the board has arrows).

use crate::prototype::{
    Action, ActionStep, Component, ComponentKind, Device, Direction, Prototype, Screen, StackLayout,
};

/// `screens` phone screens of `per_screen` components each (at least 8).
pub fn generated(screens: usize, per_screen: usize) -> Prototype {
    let per_screen = per_screen.max(8);
    let cols = (screens as f64).sqrt().ceil().max(1.0) as usize;
    let mut p = Prototype::default();
    for s in 0..screens {
        let sid = format!("s{s}");
        let mut screen = Screen::new(
            &sid,
            format!("页面 {s}"),
            Device::Phone,
            (s % cols) as f64 * 475.0,
            (s / cols) as f64 * 912.0,
        );
        screen.start = s == 0;
        p.screens.push(screen);
        let id = |k: usize| format!("s{s}c{k}");
        let mut k = 0;
        let push = |p: &mut Prototype, mut c: Component, parent: Option<String>, order: f64| {
            c.parent = parent;
            c.order = order;
            p.components.push(c);
        };
        // Navigation bar.
        let mut nav = Component::new(
            id(k),
            &sid,
            ComponentKind::NavBar,
            "导航栏",
            0.0,
            0.0,
            375.0,
            56.0,
        );
        nav.text = Some(format!("页面 {s}"));
        push(&mut p, nav, None, 0.0);
        k += 1;
        // A column stack with a heading and a form.
        let stack = id(k);
        let mut c = Component::new(
            &stack,
            &sid,
            ComponentKind::Stack,
            "内容",
            16.0,
            72.0,
            343.0,
            420.0,
        );
        c.layout = Some(StackLayout {
            direction: Direction::Column,
            gap: 8.0,
            padding: 8.0,
        });
        push(&mut p, c, None, 1.0);
        k += 1;
        let mut h = Component::new(
            id(k),
            &sid,
            ComponentKind::Heading,
            "标题",
            0.0,
            0.0,
            327.0,
            32.0,
        );
        h.text = Some(format!("标题 {s}"));
        push(&mut p, h, Some(stack.clone()), 1.0);
        k += 1;
        let form = id(k);
        let mut f = Component::new(
            &form,
            &sid,
            ComponentKind::Form,
            "表单",
            0.0,
            0.0,
            327.0,
            300.0,
        );
        f.layout = Some(StackLayout {
            direction: Direction::Column,
            gap: 8.0,
            padding: 12.0,
        });
        push(&mut p, f, Some(stack.clone()), 2.0);
        k += 1;
        // The list with its row template, low on the screen.
        let list = id(k);
        push(
            &mut p,
            Component::new(
                &list,
                &sid,
                ComponentKind::List,
                "列表",
                16.0,
                500.0,
                343.0,
                180.0,
            ),
            None,
            2.0,
        );
        k += 1;
        let mut row = Component::new(
            id(k),
            &sid,
            ComponentKind::Text,
            "行",
            0.0,
            0.0,
            343.0,
            40.0,
        );
        row.text = Some("{{名称}}".into());
        push(&mut p, row, Some(list), 1.0);
        k += 1;
        // The button to the next screen.
        let next = id(k);
        let mut b = Component::new(
            &next,
            &sid,
            ComponentKind::Button,
            "下一页",
            16.0,
            700.0,
            343.0,
            44.0,
        );
        b.text = Some("下一页".into());
        push(&mut p, b, None, 3.0);
        k += 1;
        if screens > 1 {
            p.actions.push(Action {
                id: format!("s{s}a0"),
                component: next,
                name: None,
                steps: vec![ActionStep::Navigate {
                    screen: format!("s{}", (s + 1) % screens),
                }],
                success: None,
                failure: None,
            });
        }
        // The rest: fields in the form (about half), texts and buttons placed freely.
        let mut i = 0;
        while k < per_screen {
            if i % 2 == 0 {
                let kinds = [
                    ComponentKind::Input,
                    ComponentKind::Select,
                    ComponentKind::Date,
                    ComponentKind::Checkbox,
                ];
                let mut field = Component::new(
                    id(k),
                    &sid,
                    kinds[i / 2 % kinds.len()],
                    format!("字段 {i}"),
                    0.0,
                    0.0,
                    303.0,
                    36.0,
                );
                field.text = Some(format!("字段 {i}"));
                push(&mut p, field, Some(form.clone()), i as f64);
            } else {
                let kind = if i % 4 == 1 {
                    ComponentKind::Text
                } else {
                    ComponentKind::Button
                };
                let mut c = Component::new(
                    id(k),
                    &sid,
                    kind,
                    format!("组件 {i}"),
                    16.0 + (i % 3) as f64 * 115.0,
                    752.0 + (i % 2) as f64 * 28.0,
                    105.0,
                    24.0,
                );
                c.text = Some(format!("组件 {i}"));
                push(&mut p, c, None, 10.0 + i as f64);
            }
            k += 1;
            i += 1;
        }
    }
    Prototype::from_records(p.into_records())
}
