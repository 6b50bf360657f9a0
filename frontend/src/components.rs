//! Reusable pieces of the pages.

pub mod confirm;
pub mod form;
pub mod history_link;
pub mod kind_select;
pub mod line_chart;
pub mod list_tools;
pub mod loaded;
pub mod notice;
pub mod page_intro;
pub mod pager;
pub mod search;
pub mod stock_badge;
pub mod submit;
