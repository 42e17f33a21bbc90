//! Query functions written the way an issue tracker's backend writes them (projects, issues,
//! comments, users, labels, milestones, time entries), as if ported from a Linear/Jira-like
//! application on axum + sea-query: filter structs from query strings, sort and status enums,
//! keyset cursors, escaped LIKE search, permission helpers, counts, an upsert, an update, a
//! delete and multi-row inserts. Each is compared with sea-query on every backend over many
//! argument values, and must be served from the cache.
//!
//! They were first written as an application would, with only the attributes, and the
//! functions that did not compile were changed as little as a user would: each change is
//! said next to it ("As written: ..."). The one that could not be made to work is at the end
//! of the file, with its errors. (An application would also derive `serde::Deserialize` on
//! the filter structs; this crate has no `serde` dependency, so it is left out.)

#![allow(clippy::ptr_arg, clippy::ref_option, clippy::too_many_arguments)]

use std::borrow::Cow;
use std::fmt;

use cached_query::{Args, cached_query};
use cached_query_tests::check::{assert_same, assert_served};
use chrono::NaiveDate;
use sea_query::{
    Alias, Cond, Condition, DeleteStatement, Expr, ExprTrait, Func, Iden, InsertStatement,
    LikeExpr, NullOrdering, OnConflict, Order, Query, SelectStatement, UpdateStatement,
};

// ---------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------

#[derive(Iden)]
enum Projects {
    Table,
    Id,
    Key,
    Name,
    OwnerId,
    Archived,
    Visibility,
    UpdatedAt,
}

#[derive(Iden)]
enum Issues {
    Table,
    Id,
    ProjectId,
    Number,
    Title,
    Description,
    Status,
    Priority,
    AssigneeId,
    ReporterId,
    MilestoneId,
    DueDate,
    EstimateMinutes,
    CreatedAt,
    UpdatedAt,
    ClosedAt,
}

#[derive(Iden)]
enum Comments {
    Table,
    Id,
    IssueId,
    AuthorId,
    Body,
    Internal,
    CreatedAt,
    DeletedAt,
}

#[derive(Iden)]
enum Users {
    Table,
    Id,
    Username,
    Email,
    DisplayName,
    Active,
    LastSeenAt,
}

#[derive(Iden)]
enum Labels {
    Table,
    Id,
    ProjectId,
    Name,
    Color,
}

#[derive(Iden)]
enum IssueLabels {
    Table,
    IssueId,
    LabelId,
}

#[derive(Iden)]
enum Milestones {
    Table,
    Id,
    ProjectId,
    Title,
    DueOn,
    ClosedAt,
}

#[derive(Iden)]
enum TimeEntries {
    Table,
    Id,
    IssueId,
    UserId,
    Minutes,
    SpentOn,
    Billable,
    #[allow(dead_code)] // used by `log_time_entries`, left out at the end of the file
    Note,
}

#[derive(Iden)]
enum ProjectMembers {
    Table,
    ProjectId,
    UserId,
    Role,
    AddedAt,
}

const DEFAULT_PAGE_SIZE: u32 = 25;
const MAX_PAGE_SIZE: u32 = 100;
const MAX_FEED: usize = 100;
const DEFAULT_COMMENTS: u64 = 50;
const MAX_COMMENTS: u64 = 200;

// ---------------------------------------------------------------------------------------
// Domain types
// ---------------------------------------------------------------------------------------

// As written: without `Args`; as a field of a struct argument (`IssueFilter::status`,
// `NewIssue::status`, `IssuePatch::status`) it did not compile ("`IssueStatus` cannot be
// an argument of a #[cached_query] function"), whose note says to derive `Args` on the
// enum.
#[derive(Args, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IssueStatus {
    #[default]
    Backlog,
    Todo,
    InProgress,
    InReview,
    Done,
    Cancelled,
}

impl IssueStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            IssueStatus::Backlog => "backlog",
            IssueStatus::Todo => "todo",
            IssueStatus::InProgress => "in_progress",
            IssueStatus::InReview => "in_review",
            IssueStatus::Done => "done",
            IssueStatus::Cancelled => "cancelled",
        }
    }

    pub fn is_closed(&self) -> bool {
        matches!(self, IssueStatus::Done | IssueStatus::Cancelled)
    }
}

impl fmt::Display for IssueStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// As written: without `Args`; as a field of a struct argument (`NewIssue::priority`,
// `IssuePatch::priority`) it did not compile ("`Priority` cannot be an argument of a
// #[cached_query] function"), whose note says to derive `Args` on the enum.
#[derive(Args, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Priority {
    #[default]
    Unset = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Urgent = 4,
}

// As written: without `Args`; as a field of a struct argument (`IssueFilter::sort`) it did
// not compile ("`IssueSort` cannot be an argument of a #[cached_query] function"), whose
// note says to derive `Args` on the enum.
#[derive(Args, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IssueSort {
    #[default]
    Updated,
    Created,
    Priority,
    DueDate,
    Title,
}

// As written: without `Args`; as a field of a struct argument (`IssueFilter::dir`) it did
// not compile ("`SortDir` cannot be an argument of a #[cached_query] function"), whose
// note says to derive `Args` on the enum.
#[derive(Args, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDir {
    Asc,
    #[default]
    Desc,
}

impl From<SortDir> for Order {
    fn from(dir: SortDir) -> Self {
        match dir {
            SortDir::Asc => Order::Asc,
            SortDir::Desc => Order::Desc,
        }
    }
}

// As written: `Debug, Clone, Copy, PartialEq, Eq`. `Args` was added as the error on the field
// `AuthUser::role` said ("`Role` cannot be an argument of a #[cached_query] function").
#[derive(Args, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Member,
    Guest,
}

#[derive(Args, Debug, Clone)]
pub struct AuthUser {
    pub id: i64,
    pub role: Role,
}

#[derive(Args, Debug, Clone, Default)]
pub struct DateRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct IssueFilter {
    pub status: Option<IssueStatus>,
    pub assignee_id: Option<i64>,
    pub unassigned: bool,
    pub label_ids: Vec<i64>,
    pub milestone_id: Option<i64>,
    pub q: Option<String>,
    pub due: Option<DateRange>,
    pub include_closed: bool,
    pub sort: IssueSort,
    pub dir: SortDir,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InboxTab {
    #[default]
    Active,
    Backlog,
    InReview,
    Done,
    All,
}

impl InboxTab {
    pub fn status(self) -> Option<IssueStatus> {
        match self {
            InboxTab::Active => Some(IssueStatus::InProgress),
            InboxTab::Backlog => Some(IssueStatus::Backlog),
            InboxTab::InReview => Some(IssueStatus::InReview),
            InboxTab::Done => Some(IssueStatus::Done),
            InboxTab::All => None,
        }
    }
}

// As written: without `Args`; as a field of a struct argument
// (`TimeReportFilter::group_by`) it did not compile ("`ReportGrouping` cannot be an
// argument of a #[cached_query] function"), whose note says to derive `Args` on the enum.
#[derive(Args, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportGrouping {
    #[default]
    User,
    Issue,
    Day,
}

#[derive(Args, Debug, Clone, Default)]
pub struct TimeReportFilter {
    pub project_id: Option<i64>,
    pub user_ids: Vec<i64>,
    pub period: Option<DateRange>,
    pub billable: Option<bool>,
    pub group_by: ReportGrouping,
}

#[derive(Args, Debug, Clone, Default)]
pub struct NewIssue {
    pub project_id: i64,
    pub title: String,
    pub description: Option<String>,
    pub status: IssueStatus,
    pub priority: Priority,
    pub assignee_id: Option<i64>,
    pub milestone_id: Option<i64>,
    pub due_date: Option<NaiveDate>,
    pub estimate_minutes: Option<u32>,
}

// As written: `Debug, Clone, Copy, PartialEq, Eq`; `upsert_project_member` reads it only
// through `role.as_str()`, and did not compile ("`MemberRole` cannot be an argument of a
// #[cached_query] function"): `Args` added.
#[derive(Args, Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberRole {
    Owner,
    Maintainer,
    Developer,
    Viewer,
}

impl MemberRole {
    pub fn as_str(&self) -> &'static str {
        match self {
            MemberRole::Owner => "owner",
            MemberRole::Maintainer => "maintainer",
            MemberRole::Developer => "developer",
            MemberRole::Viewer => "viewer",
        }
    }
}

#[derive(Args, Debug, Clone, Default)]
pub struct IssuePatch {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub status: Option<IssueStatus>,
    pub priority: Option<Priority>,
    pub assignee_id: Option<Option<i64>>,
    pub due_date: Option<NaiveDate>,
    pub clear_due_date: bool,
}

#[derive(Args, Debug, Clone)]
pub struct NewTimeEntry {
    pub issue_id: i64,
    pub minutes: i32,
    pub spent_on: NaiveDate,
    pub billable: bool,
    pub note: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The issue filter shared by the list and its count, as written: the status text and the
/// escaped LIKE pattern are values the helper derives, recomputed by each caller.
#[cached_query::part]
fn apply_issue_filter(q: &mut SelectStatement, filter: &IssueFilter) {
    if let Some(status) = filter.status {
        q.and_where(Expr::col((Issues::Table, Issues::Status)).eq(status.to_string()));
    } else if !filter.include_closed {
        q.and_where(Expr::col((Issues::Table, Issues::ClosedAt)).is_null());
    }
    if let Some(text) = &filter.q {
        let pattern = format!("%{}%", text.replace('%', "\\%").replace('_', "\\_"));
        q.and_where(
            Expr::col((Issues::Table, Issues::Title)).like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    if let Some(assignee_id) = filter.assignee_id {
        q.and_where(Expr::col((Issues::Table, Issues::AssigneeId)).eq(assignee_id));
    } else if filter.unassigned {
        q.and_where(Expr::col((Issues::Table, Issues::AssigneeId)).is_null());
    }
    if !filter.label_ids.is_empty() {
        q.and_where(
            Expr::col((Issues::Table, Issues::Id)).in_subquery(
                Query::select()
                    .column(IssueLabels::IssueId)
                    .from(IssueLabels::Table)
                    .and_where(Expr::col(IssueLabels::LabelId).is_in(filter.label_ids.clone()))
                    .to_owned(),
            ),
        );
    }
    if let Some(milestone_id) = filter.milestone_id {
        q.and_where(Expr::col((Issues::Table, Issues::MilestoneId)).eq(milestone_id));
    }
    if let Some(due) = &filter.due {
        if let Some(from) = due.from {
            q.and_where(Expr::col((Issues::Table, Issues::DueDate)).gte(from));
        }
        if let Some(to) = due.to {
            q.and_where(Expr::col((Issues::Table, Issues::DueDate)).lte(to));
        }
    }
}

/// Admins see every project; everyone else sees public projects and the ones they belong to.
/// As written: the decision on the role joins each caller's key.
#[cached_query::part]
fn can_view_project(q: &mut SelectStatement, user: &AuthUser) {
    if user.role != Role::Admin {
        q.cond_where(
            Cond::any()
                .add(Expr::col((Projects::Table, Projects::Visibility)).eq("public"))
                .add(
                    Expr::col((Projects::Table, Projects::Id)).in_subquery(
                        Query::select()
                            .column(ProjectMembers::ProjectId)
                            .from(ProjectMembers::Table)
                            .and_where(Expr::col(ProjectMembers::UserId).eq(user.id))
                            .to_owned(),
                    ),
                ),
        );
    }
}

/// Guests never see internal comments.
#[cached_query::part]
fn comment_visibility(user: &AuthUser) -> Condition {
    match user.role {
        Role::Guest => Cond::all().add(Expr::col((Comments::Table, Comments::Internal)).eq(false)),
        Role::Admin | Role::Member => Cond::all(),
    }
}

// ---------------------------------------------------------------------------------------
// 1-2. Issue list: filter struct with nested date range, sort enums, offset; and its count
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn list_issues(
    project_id: i64,
    filter: &IssueFilter,
    page: u64,
    per_page: u64,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        (Issues::Table, Issues::Id),
        (Issues::Table, Issues::Number),
        (Issues::Table, Issues::Title),
        (Issues::Table, Issues::Status),
        (Issues::Table, Issues::Priority),
        (Issues::Table, Issues::AssigneeId),
        (Issues::Table, Issues::DueDate),
        (Issues::Table, Issues::UpdatedAt),
    ])
    .from(Issues::Table)
    .and_where(Expr::col((Issues::Table, Issues::ProjectId)).eq(project_id));
    apply_issue_filter(&mut q, filter);
    // As written: `let order: Order = filter.dir.into();` (through `impl From<SortDir> for
    // Order`): "`order` taken from argument `filter` is passed to `.order_by()`, which
    // #[cached_query] cannot see into".
    let order = match filter.dir {
        SortDir::Asc => Order::Asc,
        SortDir::Desc => Order::Desc,
    };
    match filter.sort {
        IssueSort::Updated => q.order_by((Issues::Table, Issues::UpdatedAt), order),
        IssueSort::Created => q.order_by((Issues::Table, Issues::CreatedAt), order),
        IssueSort::Priority => q.order_by((Issues::Table, Issues::Priority), order),
        IssueSort::DueDate => {
            q.order_by_with_nulls((Issues::Table, Issues::DueDate), order, NullOrdering::Last)
        }
        IssueSort::Title => q.order_by((Issues::Table, Issues::Title), order),
    };
    q.order_by((Issues::Table, Issues::Id), Order::Desc)
        .limit(per_page)
        .offset(page * per_page);
    q
}

#[cached_query]
pub fn count_issues(project_id: i64, filter: &IssueFilter) -> SelectStatement {
    let mut q = Query::select();
    q.expr_as(
        Func::count(Expr::col((Issues::Table, Issues::Id))),
        Alias::new("total"),
    )
    .from(Issues::Table)
    .and_where(Expr::col((Issues::Table, Issues::ProjectId)).eq(project_id));
    apply_issue_filter(&mut q, filter);
    q
}

// ---------------------------------------------------------------------------------------
// 3. Activity feed: keyset cursor, usize limit capped with std::cmp::min
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn issue_feed(project_ids: &[i64], after: Option<(i64, i64)>, limit: usize) -> SelectStatement {
    let limit = std::cmp::min(limit, MAX_FEED);
    let mut q = Query::select();
    q.columns([
        Issues::Id,
        Issues::ProjectId,
        Issues::Number,
        Issues::Title,
        Issues::Status,
        Issues::UpdatedAt,
    ])
    .from(Issues::Table)
    .and_where(Expr::col(Issues::ProjectId).is_in(project_ids.to_vec()));
    if let Some((updated_at, id)) = after {
        q.and_where(
            Expr::tuple([Expr::col(Issues::UpdatedAt), Expr::col(Issues::Id)])
                .lt(Expr::tuple([Expr::val(updated_at), Expr::val(id)])),
        );
    }
    q.order_by(Issues::UpdatedAt, Order::Desc)
        .order_by(Issues::Id, Order::Desc)
        .limit(limit as u64);
    q
}

// ---------------------------------------------------------------------------------------
// 4. Search box: escaped LIKE, "#123" lookups, Option<u32> paging with defaults and a cap
// ---------------------------------------------------------------------------------------

/// As written: no `number` argument; the body had `if let Ok(number) =
/// term.trim().trim_start_matches('#').parse::<i64>() { .. }` ("`.trim()` on `term` computes a
/// new value from a bound argument"). `let number = ...parse::<i64>().ok(); if let
/// Some(number) = number` did not compile either ("a value computed from the arguments has
/// type `Option<i64>`, which `#[cached_query]` cannot probe"; "`number` taken from argument
/// `term` decides control flow here"), so the caller parses the number and passes it.
#[cached_query]
pub fn search_issues(
    term: &str,
    number: Option<i64>,
    project_ids: &[i64],
    page: Option<u32>,
    per_page: Option<u32>,
) -> SelectStatement {
    let per_page = std::cmp::min(per_page.unwrap_or(DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    let page = page.unwrap_or(1).saturating_sub(1);
    let escaped = term
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("%{}%", escaped);
    let mut cond = Cond::any()
        .add(Expr::col(Issues::Title).like(LikeExpr::new(&pattern).escape('\\')))
        .add(Expr::col(Issues::Description).like(LikeExpr::new(&pattern).escape('\\')));
    if let Some(number) = number {
        cond = cond.add(Expr::col(Issues::Number).eq(number));
    }
    let mut q = Query::select();
    q.columns([
        Issues::Id,
        Issues::ProjectId,
        Issues::Number,
        Issues::Title,
        Issues::Status,
    ])
    .from(Issues::Table)
    .cond_where(cond);
    if !project_ids.is_empty() {
        q.and_where(Expr::col(Issues::ProjectId).is_in(project_ids.iter().copied()));
    }
    q.order_by(Issues::UpdatedAt, Order::Desc)
        .limit(per_page as u64)
        .offset((page * per_page) as u64);
    q
}

// ---------------------------------------------------------------------------------------
// 5. Sort from the query string: `match sort_by.as_str()`, `eq_ignore_ascii_case("desc")`
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn issues_sorted(project_id: i64, sort_by: String, order: &str, limit: u64) -> SelectStatement {
    let dir = if order.eq_ignore_ascii_case("desc") {
        Order::Desc
    } else {
        Order::Asc
    };
    let mut q = Query::select();
    q.columns([
        Issues::Id,
        Issues::Number,
        Issues::Title,
        Issues::Priority,
        Issues::DueDate,
    ])
    .from(Issues::Table)
    .and_where(Expr::col(Issues::ProjectId).eq(project_id));
    match sort_by.as_str() {
        "title" => {
            q.order_by(Issues::Title, dir);
        }
        "priority" => {
            q.order_by(Issues::Priority, dir)
                .order_by(Issues::UpdatedAt, Order::Desc);
        }
        "due" | "due_date" => {
            q.order_by_with_nulls(Issues::DueDate, dir, NullOrdering::Last);
        }
        "created" => {
            q.order_by(Issues::CreatedAt, dir);
        }
        _ => {
            q.order_by(Issues::UpdatedAt, dir);
        }
    }
    q.limit(limit);
    q
}

// ---------------------------------------------------------------------------------------
// 6. Priority enum matched by value (with a binding arm), status by reference, to_string
// ---------------------------------------------------------------------------------------

/// As written, the last arm was `p => { ...gte(p as i16) }` ("`Priority` cannot be an
/// argument of a #[cached_query] function"; with `Args` on `Priority`: "`priority` decides
/// control flow here, but its value is not part of the cache key"): it is `_ =>` now, and
/// reads `priority as i16`.
#[cached_query]
pub fn issues_by_priority(
    project_id: i64,
    priority: Priority,
    status: &IssueStatus,
    limit: u32,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        Issues::Id,
        Issues::Number,
        Issues::Title,
        Issues::Priority,
        Issues::Status,
    ])
    .from(Issues::Table)
    .and_where(Expr::col(Issues::ProjectId).eq(project_id))
    .and_where(Expr::col(Issues::Status).eq(status.to_string()));
    match priority {
        Priority::Unset => {}
        Priority::Urgent => {
            q.and_where(Expr::col(Issues::Priority).eq(Priority::Urgent as i16));
        }
        _ => {
            q.and_where(Expr::col(Issues::Priority).gte(priority as i16));
        }
    }
    match status {
        IssueStatus::Done | IssueStatus::Cancelled => {
            q.order_by(Issues::ClosedAt, Order::Desc);
        }
        _ => {
            q.order_by(Issues::Priority, Order::Desc)
                .order_by(Issues::UpdatedAt, Order::Desc);
        }
    }
    q.limit(limit.into());
    q
}

// ---------------------------------------------------------------------------------------
// 7. "My issues" inbox: `if let Some(status) = tab.status()`
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn my_issues(
    user_id: i64,
    tab: InboxTab,
    include_reported: bool,
    limit: u32,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        Issues::Id,
        Issues::ProjectId,
        Issues::Number,
        Issues::Title,
        Issues::Status,
        Issues::UpdatedAt,
    ])
    .from(Issues::Table);
    if include_reported {
        q.cond_where(
            Cond::any()
                .add(Expr::col(Issues::AssigneeId).eq(user_id))
                .add(Expr::col(Issues::ReporterId).eq(user_id)),
        );
    } else {
        q.and_where(Expr::col(Issues::AssigneeId).eq(user_id));
    }
    if let Some(status) = tab.status() {
        q.and_where(Expr::col(Issues::Status).eq(status.as_str()));
    }
    q.order_by(Issues::UpdatedAt, Order::Desc)
        .limit(limit.into());
    q
}

// ---------------------------------------------------------------------------------------
// 8. Board view: permission helper on the statement, Vec<i64> by value, uppercased key
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn project_board(
    user: &AuthUser,
    project_key: &str,
    milestone_id: Option<i64>,
    assignees: Vec<i64>,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        (Issues::Table, Issues::Id),
        (Issues::Table, Issues::Number),
        (Issues::Table, Issues::Title),
        (Issues::Table, Issues::Status),
        (Issues::Table, Issues::Priority),
        (Issues::Table, Issues::AssigneeId),
    ])
    .column((Projects::Table, Projects::Key))
    .from(Issues::Table)
    .inner_join(
        Projects::Table,
        Expr::col((Projects::Table, Projects::Id)).equals((Issues::Table, Issues::ProjectId)),
    )
    .and_where(Expr::col((Projects::Table, Projects::Key)).eq(project_key.to_uppercase()));
    can_view_project(&mut q, user);
    if let Some(milestone_id) = milestone_id {
        q.and_where(Expr::col((Issues::Table, Issues::MilestoneId)).eq(milestone_id));
    }
    if !assignees.is_empty() {
        q.and_where(Expr::col((Issues::Table, Issues::AssigneeId)).is_in(assignees));
    }
    q.order_by((Issues::Table, Issues::Status), Order::Asc)
        .order_by((Issues::Table, Issues::Priority), Order::Desc);
    q
}

// ---------------------------------------------------------------------------------------
// 9. Project list: reference forms (&bool, &Option<String>, Option<&String>, &u32)
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn list_projects(
    user: &AuthUser,
    include_archived: &bool,
    search: &Option<String>,
    owner: Option<&String>,
    limit: &u32,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        (Projects::Table, Projects::Id),
        (Projects::Table, Projects::Key),
        (Projects::Table, Projects::Name),
        (Projects::Table, Projects::UpdatedAt),
    ])
    .from(Projects::Table);
    can_view_project(&mut q, user);
    if !*include_archived {
        q.and_where(Expr::col((Projects::Table, Projects::Archived)).eq(false));
    }
    if let Some(search) = search {
        let pattern = format!("%{}%", search.to_lowercase());
        q.and_where(Func::lower(Expr::col((Projects::Table, Projects::Name))).like(pattern));
    }
    if let Some(owner) = owner {
        q.and_where(
            Expr::col((Projects::Table, Projects::OwnerId)).in_subquery(
                Query::select()
                    .column(Users::Id)
                    .from(Users::Table)
                    .and_where(Expr::col(Users::Username).eq(owner))
                    .to_owned(),
            ),
        );
    }
    q.order_by((Projects::Table, Projects::Name), Order::Asc)
        .limit(*limit as u64);
    q
}

// ---------------------------------------------------------------------------------------
// 10. Comment thread: a Condition helper, cursor direction from a bool, capped default limit
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn issue_comments(
    issue_id: i64,
    user: &AuthUser,
    after_id: Option<i64>,
    limit: Option<u64>,
    newest_first: bool,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        (Comments::Table, Comments::Id),
        (Comments::Table, Comments::Body),
        (Comments::Table, Comments::Internal),
        (Comments::Table, Comments::CreatedAt),
    ])
    .columns([
        (Users::Table, Users::Username),
        (Users::Table, Users::DisplayName),
    ])
    .from(Comments::Table)
    .inner_join(
        Users::Table,
        Expr::col((Users::Table, Users::Id)).equals((Comments::Table, Comments::AuthorId)),
    )
    .and_where(Expr::col((Comments::Table, Comments::IssueId)).eq(issue_id))
    .and_where(Expr::col((Comments::Table, Comments::DeletedAt)).is_null())
    .cond_where(comment_visibility(user));
    if let Some(after_id) = after_id {
        if newest_first {
            q.and_where(Expr::col((Comments::Table, Comments::Id)).lt(after_id));
        } else {
            q.and_where(Expr::col((Comments::Table, Comments::Id)).gt(after_id));
        }
    }
    let order = if newest_first {
        Order::Desc
    } else {
        Order::Asc
    };
    q.order_by((Comments::Table, Comments::Id), order)
        .limit(std::cmp::min(
            limit.unwrap_or(DEFAULT_COMMENTS),
            MAX_COMMENTS,
        ));
    q
}

// ---------------------------------------------------------------------------------------
// 11. User picker: &[&str], Cow<str> with an emptiness test, bool, u32 limit
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn find_users(
    usernames: &[&str],
    email_domain: Cow<'_, str>,
    active_only: bool,
    limit: u32,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Users::Id, Users::Username, Users::Email, Users::DisplayName])
        .from(Users::Table);
    if !usernames.is_empty() {
        q.and_where(Expr::col(Users::Username).is_in(usernames.to_vec()));
    }
    if !email_domain.is_empty() {
        q.and_where(Expr::col(Users::Email).like(format!("%@{}", email_domain)));
    }
    if active_only {
        q.and_where(Expr::col(Users::Active).eq(true));
    }
    q.order_by_with_nulls(Users::LastSeenAt, Order::Desc, NullOrdering::Last)
        .limit(limit as u64);
    q
}

// ---------------------------------------------------------------------------------------
// 12. Labels: Vec<String> by value, prefix search, optional usage count with GROUP BY
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn project_labels(
    project_id: i64,
    names: Vec<String>,
    search: Option<&str>,
    with_usage: bool,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        (Labels::Table, Labels::Id),
        (Labels::Table, Labels::Name),
        (Labels::Table, Labels::Color),
    ])
    .from(Labels::Table)
    .and_where(Expr::col((Labels::Table, Labels::ProjectId)).eq(project_id));
    if with_usage {
        q.expr_as(
            Func::count(Expr::col((IssueLabels::Table, IssueLabels::IssueId))),
            Alias::new("usage"),
        )
        .left_join(
            IssueLabels::Table,
            Expr::col((IssueLabels::Table, IssueLabels::LabelId))
                .equals((Labels::Table, Labels::Id)),
        )
        .group_by_col((Labels::Table, Labels::Id))
        .group_by_col((Labels::Table, Labels::Name))
        .group_by_col((Labels::Table, Labels::Color));
    }
    if !names.is_empty() {
        q.and_where(Expr::col((Labels::Table, Labels::Name)).is_in(names));
    }
    if let Some(search) = search {
        q.and_where(
            Func::lower(Expr::col((Labels::Table, Labels::Name)))
                .like(format!("{}%", search.to_lowercase())),
        );
    }
    q.order_by((Labels::Table, Labels::Name), Order::Asc);
    q
}

// ---------------------------------------------------------------------------------------
// 13. Milestone progress: COUNT + SUM(CASE ...), GROUP BY, NULLS LAST, Option<NaiveDate>
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn milestone_progress(
    project_id: i64,
    milestone_ids: &[i64],
    include_closed: bool,
    due_before: Option<NaiveDate>,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        (Milestones::Table, Milestones::Id),
        (Milestones::Table, Milestones::Title),
        (Milestones::Table, Milestones::DueOn),
    ])
    .expr_as(
        Func::count(Expr::col((Issues::Table, Issues::Id))),
        Alias::new("total"),
    )
    .expr_as(
        Func::sum(
            Expr::case(
                Expr::col((Issues::Table, Issues::ClosedAt)).is_not_null(),
                1,
            )
            .finally(0),
        ),
        Alias::new("done"),
    )
    .from(Milestones::Table)
    .left_join(
        Issues::Table,
        Expr::col((Issues::Table, Issues::MilestoneId)).equals((Milestones::Table, Milestones::Id)),
    )
    .and_where(Expr::col((Milestones::Table, Milestones::ProjectId)).eq(project_id));
    if !milestone_ids.is_empty() {
        q.and_where(
            Expr::col((Milestones::Table, Milestones::Id)).is_in(milestone_ids.iter().copied()),
        );
    }
    if !include_closed {
        q.and_where(Expr::col((Milestones::Table, Milestones::ClosedAt)).is_null());
    }
    if let Some(due_before) = due_before {
        q.and_where(Expr::col((Milestones::Table, Milestones::DueOn)).lt(due_before));
    }
    q.group_by_col((Milestones::Table, Milestones::Id))
        .group_by_col((Milestones::Table, Milestones::Title))
        .group_by_col((Milestones::Table, Milestones::DueOn))
        .order_by_with_nulls(
            (Milestones::Table, Milestones::DueOn),
            Order::Asc,
            NullOrdering::Last,
        );
    q
}

// ---------------------------------------------------------------------------------------
// 14. Time report: filter struct, grouping enum matched by reference, Option<bool>
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn time_report(filter: &TimeReportFilter) -> SelectStatement {
    let mut q = Query::select();
    match &filter.group_by {
        ReportGrouping::User => {
            q.column((TimeEntries::Table, TimeEntries::UserId))
                .group_by_col((TimeEntries::Table, TimeEntries::UserId));
        }
        ReportGrouping::Issue => {
            q.column((TimeEntries::Table, TimeEntries::IssueId))
                .group_by_col((TimeEntries::Table, TimeEntries::IssueId));
        }
        ReportGrouping::Day => {
            q.column((TimeEntries::Table, TimeEntries::SpentOn))
                .group_by_col((TimeEntries::Table, TimeEntries::SpentOn));
        }
    }
    q.expr_as(
        Func::sum(Expr::col((TimeEntries::Table, TimeEntries::Minutes))),
        Alias::new("minutes"),
    )
    .from(TimeEntries::Table);
    if let Some(project_id) = filter.project_id {
        q.inner_join(
            Issues::Table,
            Expr::col((Issues::Table, Issues::Id))
                .equals((TimeEntries::Table, TimeEntries::IssueId)),
        )
        .and_where(Expr::col((Issues::Table, Issues::ProjectId)).eq(project_id));
    }
    if !filter.user_ids.is_empty() {
        q.and_where(
            Expr::col((TimeEntries::Table, TimeEntries::UserId))
                .is_in(filter.user_ids.iter().copied()),
        );
    }
    if let Some(period) = &filter.period {
        if let Some(from) = period.from {
            q.and_where(Expr::col((TimeEntries::Table, TimeEntries::SpentOn)).gte(from));
        }
        if let Some(to) = period.to {
            q.and_where(Expr::col((TimeEntries::Table, TimeEntries::SpentOn)).lte(to));
        }
    }
    if let Some(billable) = filter.billable {
        q.and_where(Expr::col((TimeEntries::Table, TimeEntries::Billable)).eq(billable));
    }
    q.order_by(Alias::new("minutes"), Order::Desc);
    q
}

// ---------------------------------------------------------------------------------------
// 15. Overdue issues: enum comparison and `as i16` cast, &Vec<i64>, usize page offsets
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn overdue_issues(
    today: NaiveDate,
    project_ids: &Vec<i64>,
    assignee_id: Option<i64>,
    min_priority: Priority,
    page: usize,
    per_page: usize,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        Issues::Id,
        Issues::ProjectId,
        Issues::Number,
        Issues::Title,
        Issues::DueDate,
        Issues::Priority,
    ])
    .from(Issues::Table)
    .and_where(Expr::col(Issues::DueDate).lt(today))
    .and_where(Expr::col(Issues::ClosedAt).is_null());
    if !project_ids.is_empty() {
        q.and_where(Expr::col(Issues::ProjectId).is_in(project_ids.clone()));
    }
    if let Some(assignee_id) = assignee_id {
        q.and_where(Expr::col(Issues::AssigneeId).eq(assignee_id));
    }
    if min_priority != Priority::Unset {
        q.and_where(Expr::col(Issues::Priority).gte(min_priority as i16));
    }
    q.order_by(Issues::DueDate, Order::Asc)
        .order_by(Issues::Priority, Order::Desc)
        .limit(per_page as u64)
        .offset((page * per_page) as u64);
    q
}

// ---------------------------------------------------------------------------------------
// 16. Create an issue: struct argument, trim, enum to_string and cast, RETURNING
// ---------------------------------------------------------------------------------------

/// As written, `new.title.trim().into()`, `new.status.to_string().into()` and
/// `(new.priority as i16).into()` were inside `values_panic([..])`: "a value computed from the
/// arguments has type `[_; 10]`, which `#[cached_query]` cannot probe" (the whole array is
/// taken as the derived value). The three are computed in `let`s before the builder now.
#[cached_query]
pub fn create_issue(reporter_id: i64, new: &NewIssue) -> InsertStatement {
    let title = new.title.trim();
    let status = new.status.to_string();
    let priority = new.priority as i16;
    let mut q = Query::insert();
    q.into_table(Issues::Table)
        .columns([
            Issues::ProjectId,
            Issues::Title,
            Issues::Description,
            Issues::Status,
            Issues::Priority,
            Issues::AssigneeId,
            Issues::MilestoneId,
            Issues::DueDate,
            Issues::EstimateMinutes,
            Issues::ReporterId,
        ])
        .values_panic([
            new.project_id.into(),
            title.into(),
            new.description.clone().into(),
            status.into(),
            priority.into(),
            new.assignee_id.into(),
            new.milestone_id.into(),
            new.due_date.into(),
            new.estimate_minutes.into(),
            reporter_id.into(),
        ])
        .returning_col(Issues::Id);
    q
}

// ---------------------------------------------------------------------------------------
// 17. Add or change a project member: ON CONFLICT upsert
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn upsert_project_member(project_id: i64, user_id: i64, role: MemberRole) -> InsertStatement {
    let mut q = Query::insert();
    q.into_table(ProjectMembers::Table)
        .columns([
            ProjectMembers::ProjectId,
            ProjectMembers::UserId,
            ProjectMembers::Role,
            ProjectMembers::AddedAt,
        ])
        .values_panic([
            project_id.into(),
            user_id.into(),
            role.as_str().into(),
            Expr::current_timestamp(),
        ])
        .on_conflict(
            OnConflict::columns([ProjectMembers::ProjectId, ProjectMembers::UserId])
                .update_column(ProjectMembers::Role)
                .to_owned(),
        );
    q
}

// ---------------------------------------------------------------------------------------
// 18. PATCH an issue: Option and Option<Option> fields, enum in an Option, a clear flag
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn update_issue(issue_id: i64, project_id: i64, patch: &IssuePatch) -> UpdateStatement {
    let mut q = Query::update();
    q.table(Issues::Table)
        .value(Issues::UpdatedAt, Expr::current_timestamp());
    if let Some(title) = &patch.title {
        q.value(Issues::Title, title.trim());
    }
    if let Some(description) = &patch.description {
        q.value(Issues::Description, description.clone());
    }
    if let Some(status) = patch.status {
        q.value(Issues::Status, status.to_string());
        if status.is_closed() {
            q.value(Issues::ClosedAt, Expr::current_timestamp());
        } else {
            q.value(Issues::ClosedAt, Expr::null());
        }
    }
    if let Some(priority) = patch.priority {
        q.value(Issues::Priority, priority as i16);
    }
    if let Some(assignee_id) = patch.assignee_id {
        q.value(Issues::AssigneeId, assignee_id);
    }
    if patch.clear_due_date {
        q.value(Issues::DueDate, Expr::null());
    } else if let Some(due_date) = patch.due_date {
        q.value(Issues::DueDate, due_date);
    }
    q.and_where(Expr::col(Issues::Id).eq(issue_id))
        .and_where(Expr::col(Issues::ProjectId).eq(project_id));
    q
}

// ---------------------------------------------------------------------------------------
// 19. Delete time entries: owner check unless admin, id list, optional cutoff date
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn delete_time_entries(
    user_id: i64,
    entry_ids: &[i64],
    spent_before: Option<NaiveDate>,
    is_admin: bool,
) -> DeleteStatement {
    let mut q = Query::delete();
    q.from_table(TimeEntries::Table);
    if !is_admin {
        q.and_where(Expr::col(TimeEntries::UserId).eq(user_id));
    }
    if !entry_ids.is_empty() {
        q.and_where(Expr::col(TimeEntries::Id).is_in(entry_ids.iter().copied()));
    }
    if let Some(before) = spent_before {
        q.and_where(Expr::col(TimeEntries::SpentOn).lt(before));
    }
    q
}

// ---------------------------------------------------------------------------------------
// 20. Attach labels: one row per label, ON CONFLICT DO NOTHING
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn add_issue_labels(issue_id: i64, label_ids: &[i64]) -> InsertStatement {
    let mut q = Query::insert();
    q.into_table(IssueLabels::Table)
        .columns([IssueLabels::IssueId, IssueLabels::LabelId]);
    for label_id in label_ids {
        q.values_panic([issue_id.into(), (*label_id).into()]);
    }
    q.on_conflict(
        OnConflict::columns([IssueLabels::IssueId, IssueLabels::LabelId])
            .do_nothing()
            .to_owned(),
    );
    q
}

// ---------------------------------------------------------------------------------------
// Tests: every function over many argument values, three rounds, on every backend
// ---------------------------------------------------------------------------------------

const ROUNDS: i64 = 3;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

const STATUSES: [IssueStatus; 6] = [
    IssueStatus::Backlog,
    IssueStatus::Todo,
    IssueStatus::InProgress,
    IssueStatus::InReview,
    IssueStatus::Done,
    IssueStatus::Cancelled,
];

const PRIORITIES: [Priority; 5] = [
    Priority::Unset,
    Priority::Low,
    Priority::Medium,
    Priority::High,
    Priority::Urgent,
];

const SORTS: [IssueSort; 5] = [
    IssueSort::Updated,
    IssueSort::Created,
    IssueSort::Priority,
    IssueSort::DueDate,
    IssueSort::Title,
];

fn date_ranges(round: i64) -> Vec<Option<DateRange>> {
    let day = 1 + round as u32;
    vec![
        None,
        Some(DateRange::default()),
        Some(DateRange {
            from: Some(date(2024, 1, day)),
            to: None,
        }),
        Some(DateRange {
            from: None,
            to: Some(date(2025, 12, 31)),
        }),
        Some(DateRange {
            from: Some(date(2024, 3, day)),
            to: Some(date(2024, 3, 31)),
        }),
    ]
}

fn users(round: i64) -> Vec<AuthUser> {
    vec![
        AuthUser {
            id: 1,
            role: Role::Admin,
        },
        AuthUser {
            id: 10 + round,
            role: Role::Member,
        },
        AuthUser {
            id: -3,
            role: Role::Guest,
        },
    ]
}

fn issue_filters(round: i64) -> Vec<IssueFilter> {
    let mut out = Vec::new();
    let statuses = [None, Some(IssueStatus::Todo), Some(IssueStatus::Done)];
    let label_lists = [vec![], vec![3 + round], vec![1, 2, 3, 2]];
    let searches = [None, Some("login"), Some("100%_done"), Some("")];
    let mut i = 0usize;
    for status in statuses {
        for (assignee_id, unassigned) in [(None, false), (None, true), (Some(5 + round), false)] {
            for label_ids in &label_lists {
                for q in searches {
                    for due in date_ranges(round) {
                        for include_closed in [false, true] {
                            i += 1;
                            out.push(IssueFilter {
                                status,
                                assignee_id,
                                unassigned,
                                label_ids: label_ids.clone(),
                                milestone_id: if i.is_multiple_of(3) {
                                    Some(i as i64)
                                } else {
                                    None
                                },
                                q: q.map(str::to_owned),
                                due: due.clone(),
                                include_closed,
                                sort: SORTS[i % SORTS.len()],
                                dir: if i.is_multiple_of(2) {
                                    SortDir::Asc
                                } else {
                                    SortDir::Desc
                                },
                            });
                        }
                    }
                }
            }
        }
    }
    // Every sort and direction with the other fields fixed.
    for sort in SORTS {
        for dir in [SortDir::Asc, SortDir::Desc] {
            out.push(IssueFilter {
                sort,
                dir,
                ..IssueFilter::default()
            });
        }
    }
    out
}

#[test]
fn list_issues_and_count_issues() {
    for round in 0..ROUNDS {
        let r = round as u64;
        for filter in issue_filters(round) {
            for (page, per_page) in [(0, 25), (2 + r, 50), (9, 1 + r)] {
                assert_same(
                    &list_issues(100 + round, &filter, page, per_page),
                    "list_issues",
                );
            }
            assert_same(&count_issues(100 + round, &filter), "count_issues");
        }
    }
    assert_served(&["list_issues"], 1);
    assert_served(&["count_issues"], 1);
}

#[test]
fn issue_feed_with_keyset_cursor() {
    let lists: [&[i64]; 4] = [&[], &[1], &[1, 2], &[4, 4, 9, 1, 7]];
    for round in 0..ROUNDS {
        for project_ids in lists {
            for after in [None, Some((1_700_000_000 + round, 42)), Some((0, -1))] {
                for limit in [0usize, 20, 100, 101 + round as usize, usize::MAX] {
                    assert_same(&issue_feed(project_ids, after, limit), "issue_feed");
                }
            }
        }
    }
    assert_served(&["issue_feed"], 1);
}

#[test]
fn search_issues_with_escaping_and_paging() {
    let lists: [&[i64]; 3] = [&[], &[7], &[1, 2, 3]];
    for round in 0..ROUNDS as u32 {
        for term in [
            "crash",
            "  padded ",
            "#123",
            "42",
            "#",
            "100%",
            "snake_case",
            "back\\slash",
            "",
            "ünïcode",
        ] {
            for project_ids in lists {
                for page in [None, Some(0), Some(1), Some(4 + round)] {
                    for per_page in [None, Some(0), Some(10 + round), Some(500)] {
                        let number = term.trim().trim_start_matches('#').parse::<i64>().ok();
                        let h = search_issues(term, number, project_ids, page, per_page);
                        assert_same(&h, "search_issues");
                    }
                }
            }
        }
    }
    assert_served(&["search_issues"], 1);
}

#[test]
fn issues_sorted_by_query_string() {
    for round in 0..ROUNDS {
        for sort_by in [
            "title", "priority", "due", "due_date", "created", "updated", "", "Title",
        ] {
            for order in ["asc", "desc", "DESC", "Desc", "", "descending"] {
                for limit in [1, 25, 1_000] {
                    let h = issues_sorted(round, sort_by.to_owned(), order, limit + round as u64);
                    assert_same(&h, "issues_sorted");
                }
            }
        }
    }
    assert_served(&["issues_sorted"], 1);
}

#[test]
fn issues_by_priority_enums() {
    for round in 0..ROUNDS {
        for priority in PRIORITIES {
            for status in &STATUSES {
                for limit in [1, 50 + round as u32] {
                    let h = issues_by_priority(round + 1, priority, status, limit);
                    assert_same(&h, "issues_by_priority");
                }
            }
        }
    }
    assert_served(&["issues_by_priority"], 1);
}

#[test]
fn my_issues_by_tab() {
    for round in 0..ROUNDS {
        for tab in [
            InboxTab::Active,
            InboxTab::Backlog,
            InboxTab::InReview,
            InboxTab::Done,
            InboxTab::All,
        ] {
            for include_reported in [false, true] {
                for user_id in [1, -2, 1 << 40] {
                    let h = my_issues(user_id + round, tab, include_reported, 20 + round as u32);
                    assert_same(&h, "my_issues");
                }
            }
        }
    }
    assert_served(&["my_issues"], 1);
}

#[test]
fn project_board_with_permissions() {
    for round in 0..ROUNDS {
        for user in users(round) {
            for key in ["web", "API", "", "ÿk"] {
                for milestone_id in [None, Some(3 + round)] {
                    for assignees in [vec![], vec![1], vec![2, 3, 2 + round]] {
                        let h = project_board(&user, key, milestone_id, assignees);
                        assert_same(&h, "project_board");
                    }
                }
            }
        }
    }
    assert_served(&["project_board"], 1);
}

#[test]
fn list_projects_with_reference_forms() {
    let searches = [
        None,
        Some("Web".to_owned()),
        Some(String::new()),
        Some("ÄPI".to_owned()),
    ];
    let owners = [None, Some("alice".to_owned()), Some(String::new())];
    for round in 0..ROUNDS {
        for user in users(round) {
            for include_archived in [false, true] {
                for search in &searches {
                    for owner in &owners {
                        for limit in [0u32, 20 + round as u32, u32::MAX] {
                            let h = list_projects(
                                &user,
                                &include_archived,
                                search,
                                owner.as_ref(),
                                &limit,
                            );
                            assert_same(&h, "list_projects");
                        }
                    }
                }
            }
        }
    }
    assert_served(&["list_projects"], 1);
}

#[test]
fn issue_comments_thread() {
    for round in 0..ROUNDS {
        for user in users(round) {
            for after_id in [None, Some(0), Some(100 + round)] {
                for limit in [None, Some(0), Some(10), Some(10_000)] {
                    for newest_first in [false, true] {
                        let h = issue_comments(7 + round, &user, after_id, limit, newest_first);
                        assert_same(&h, "issue_comments");
                    }
                }
            }
        }
    }
    assert_served(&["issue_comments"], 1);
}

#[test]
fn find_users_picker() {
    let lists: [&[&str]; 4] = [
        &[],
        &["alice"],
        &["alice", "bob"],
        &["a", "b", "c", "a", "O'Neil"],
    ];
    for round in 0..ROUNDS {
        for usernames in lists {
            for domain in ["example.com", "", "ex%ample.org"] {
                for active_only in [false, true] {
                    let domain: Cow<'_, str> = if round % 2 == 0 {
                        Cow::Borrowed(domain)
                    } else if domain.is_empty() {
                        Cow::Owned(String::new())
                    } else {
                        Cow::Owned(format!("{domain}{round}"))
                    };
                    let h = find_users(usernames, domain, active_only, 10 + round as u32);
                    assert_same(&h, "find_users");
                }
            }
        }
    }
    assert_served(&["find_users"], 1);
}

#[test]
fn project_labels_with_usage() {
    for round in 0..ROUNDS {
        for names in [
            vec![],
            vec!["bug".to_owned()],
            vec!["bug".to_owned(), "feature".to_owned(), format!("p{round}")],
        ] {
            for search in [None, Some("Bu"), Some(""), Some("É")] {
                for with_usage in [false, true] {
                    let h = project_labels(round + 1, names.clone(), search, with_usage);
                    assert_same(&h, "project_labels");
                }
            }
        }
    }
    assert_served(&["project_labels"], 1);
}

#[test]
fn milestone_progress_grouped() {
    let lists: [&[i64]; 4] = [&[], &[1], &[1, 2], &[3, 3, 8, 1]];
    for round in 0..ROUNDS {
        for milestone_ids in lists {
            for include_closed in [false, true] {
                for due_before in [None, Some(date(2024, 6, 1 + round as u32))] {
                    let h =
                        milestone_progress(round + 1, milestone_ids, include_closed, due_before);
                    assert_same(&h, "milestone_progress");
                }
            }
        }
    }
    assert_served(&["milestone_progress"], 1);
}

#[test]
fn time_report_grouped() {
    for round in 0..ROUNDS {
        for group_by in [
            ReportGrouping::User,
            ReportGrouping::Issue,
            ReportGrouping::Day,
        ] {
            for project_id in [None, Some(4 + round)] {
                for user_ids in [vec![], vec![1], vec![1, 2, 3 + round]] {
                    for period in date_ranges(round) {
                        for billable in [None, Some(true), Some(false)] {
                            let filter = TimeReportFilter {
                                project_id,
                                user_ids: user_ids.clone(),
                                period: period.clone(),
                                billable,
                                group_by,
                            };
                            assert_same(&time_report(&filter), "time_report");
                        }
                    }
                }
            }
        }
    }
    assert_served(&["time_report"], 1);
}

#[test]
fn overdue_issues_by_priority() {
    for round in 0..ROUNDS {
        let today = date(2024, 5, 10 + round as u32);
        for project_ids in [vec![], vec![1], vec![1, 2, 3]] {
            for assignee_id in [None, Some(9 + round)] {
                for min_priority in PRIORITIES {
                    for (page, per_page) in [(0usize, 20usize), (3, 10 + round as usize)] {
                        let h = overdue_issues(
                            today,
                            &project_ids,
                            assignee_id,
                            min_priority,
                            page,
                            per_page,
                        );
                        assert_same(&h, "overdue_issues");
                    }
                }
            }
        }
    }
    assert_served(&["overdue_issues"], 1);
}

#[test]
fn create_issue_insert() {
    for round in 0..ROUNDS {
        for (i, status) in STATUSES.iter().enumerate() {
            for priority in PRIORITIES {
                for title in ["Crash on login", "  padded title  ", ""] {
                    let new = NewIssue {
                        project_id: 1 + round,
                        title: title.to_owned(),
                        description: if i % 2 == 0 {
                            None
                        } else {
                            Some(format!("d{round}"))
                        },
                        status: *status,
                        priority,
                        assignee_id: if i % 3 == 0 { Some(5) } else { None },
                        milestone_id: if i % 2 == 1 { Some(2 + round) } else { None },
                        due_date: if i < 3 {
                            None
                        } else {
                            Some(date(2024, 7, 1 + i as u32))
                        },
                        estimate_minutes: [None, Some(0), Some(90), Some(u32::MAX)][i % 4],
                    };
                    assert_same(&create_issue(42 + round, &new), "create_issue");
                }
            }
        }
    }
    assert_served(&["create_issue"], 1);
}

#[test]
fn upsert_project_member_on_conflict() {
    for round in 0..ROUNDS {
        for role in [
            MemberRole::Owner,
            MemberRole::Maintainer,
            MemberRole::Developer,
            MemberRole::Viewer,
        ] {
            for (project_id, user_id) in [(1, 2), (3 + round, -4), (1 << 33, 0)] {
                let h = upsert_project_member(project_id, user_id, role);
                assert_same(&h, "upsert_project_member");
            }
        }
    }
    assert_served(&["upsert_project_member"], 1);
}

#[test]
fn update_issue_patch() {
    let mut patches = Vec::new();
    for title in [None, Some(" New title ".to_owned())] {
        for description in [None, Some(None), Some(Some("body".to_owned()))] {
            for status in [None, Some(IssueStatus::InProgress), Some(IssueStatus::Done)] {
                for priority in [None, Some(Priority::Unset), Some(Priority::High)] {
                    for assignee_id in [None, Some(None), Some(Some(8))] {
                        for (due_date, clear_due_date) in [
                            (None, false),
                            (Some(date(2024, 9, 1)), false),
                            (None, true),
                            (Some(date(2024, 9, 2)), true),
                        ] {
                            patches.push(IssuePatch {
                                title: title.clone(),
                                description: description.clone(),
                                status,
                                priority,
                                assignee_id,
                                due_date,
                                clear_due_date,
                            });
                        }
                    }
                }
            }
        }
    }
    for status in STATUSES {
        patches.push(IssuePatch {
            status: Some(status),
            ..IssuePatch::default()
        });
    }
    for priority in PRIORITIES {
        patches.push(IssuePatch {
            priority: Some(priority),
            ..IssuePatch::default()
        });
    }
    for round in 0..ROUNDS {
        for patch in &patches {
            assert_same(&update_issue(10 + round, 1, patch), "update_issue");
        }
    }
    assert_served(&["update_issue"], 1);
}

#[test]
fn delete_time_entries_owned() {
    let lists: [&[i64]; 4] = [&[], &[1], &[1, 2], &[5, 5, 3, 9, 1]];
    for round in 0..ROUNDS {
        for entry_ids in lists {
            for spent_before in [None, Some(date(2023, 12, 1 + round as u32))] {
                for is_admin in [false, true] {
                    let h = delete_time_entries(3 + round, entry_ids, spent_before, is_admin);
                    assert_same(&h, "delete_time_entries");
                }
            }
        }
    }
    assert_served(&["delete_time_entries"], 1);
}

#[test]
fn add_issue_labels_multi_row() {
    let lists: [&[i64]; 5] = [&[], &[1], &[1, 2], &[3, 4, 5], &[9, 9, 1, 2, 7, 6]];
    for round in 0..ROUNDS {
        for label_ids in lists {
            for issue_id in [1, 50 + round] {
                assert_same(&add_issue_labels(issue_id, label_ids), "add_issue_labels");
            }
        }
    }
    assert_served(&["add_issue_labels"], 1);
}

// ---------------------------------------------------------------------------------------
// Left out: it cannot be made to work without contorting it.
// ---------------------------------------------------------------------------------------
//
// 21. log_time_entries: a multi-row insert from a list of structs.
//
// #[cached_query]
// pub fn log_time_entries(user_id: i64, entries: &[NewTimeEntry]) -> InsertStatement {
//     let mut q = Query::insert();
//     q.into_table(TimeEntries::Table).columns([
//         TimeEntries::IssueId,
//         TimeEntries::UserId,
//         TimeEntries::Minutes,
//         TimeEntries::SpentOn,
//         TimeEntries::Billable,
//         TimeEntries::Note,
//     ]);
//     for entry in entries {
//         q.values_panic([
//             entry.issue_id.into(),
//             user_id.into(),
//             entry.minutes.into(),
//             entry.spent_on.into(),
//             entry.billable.into(),
//             entry.note.clone().into(),
//         ]);
//     }
//     q.returning_col(TimeEntries::Id);
//     q
// }
//
// error[E0277]: `NewTimeEntry` cannot be a bound argument of a #[cached_query] function
//     |
//     | pub fn log_time_entries(user_id: i64, entries: &[NewTimeEntry]) -> InsertStatement {
//     |                                                  ^^^^^^^^^^^^ this argument's value is bound, not part of the cache key
//     |
// help: the trait `Probe<'_>` is not implemented for `NewTimeEntry`
//     = note: a bound argument must be `Clone`, convert into `sea_query::Value` and implement `cached_query::Probe`
//     = note: or mark the argument `#[shape]` to make its value part of the cache key
// error[E0277]: the trait bound `sea_query::Value: From<NewTimeEntry>` is not satisfied
//
// Tried: `entries: &[(i64, i32, NaiveDate, bool, Option<String>)]` with
// `for (issue_id, minutes, spent_on, billable, note) in entries { q.values_panic([
// (*issue_id).into(), user_id.into(), (*minutes).into(), (*spent_on).into(),
// (*billable).into(), note.clone().into()]); }`:
//
// error[E0277]: `(i64, i32, NaiveDate, bool, Option<std::string::String>)` cannot be a bound argument of a #[cached_query] function
//     |     entries: &[(i64, i32, NaiveDate, bool, Option<String>)],
//     |                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ this argument's value is bound, not part of the cache key
//     = help: the trait `Probe<'_>` is not implemented for `(i64, i32, NaiveDate, bool, Option<std::string::String>)`
// error[E0277]: the trait bound `sea_query::Value: From<(i64, i32, NaiveDate, bool, Option<std::string::String>)>` is not satisfied
//
// `#[shape]` on the list would put every batch's values in the key (one template per
// batch). Its test was:
//
// #[test]
// fn log_time_entries_multi_row() {
//     for round in 0..ROUNDS {
//         for n in [0usize, 1, 2, 3, 5] {
//             let entries: Vec<NewTimeEntry> = (0..n)
//                 .map(|i| NewTimeEntry {
//                     issue_id: 100 + i as i64,
//                     minutes: 15 * (i as i32 + 1) + round as i32,
//                     spent_on: date(2024, 4, 1 + i as u32),
//                     billable: i % 2 == 0,
//                     note: if i % 3 == 0 {
//                         None
//                     } else {
//                         Some(format!("note {i}"))
//                     },
//                 })
//                 .collect();
//             assert_same(&log_time_entries(7 + round, &entries), "log_time_entries");
//         }
//     }
//     assert_served(&["log_time_entries"], 1);
// }
