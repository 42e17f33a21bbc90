//! Query functions of an HR / recruiting backend (employees, departments, job postings,
//! candidates, applications, interviews, leave requests, payroll runs), written the way an
//! axum/actix service on sea-query 1.0 writes them, with only the cached-query attributes
//! added. Each is compared with sea-query on every backend over many argument values, and
//! must be served from the cache.
//!
//! They were first written with only the three attributes (`#[cached_query]`,
//! `#[derive(cached_query::Args)]` on the filter structs, `#[cached_query::part]`): 9 of the
//! 21 compiled then. Their enums (`Role`, `EmploymentStatus`, `EmployeeSort`, `SortOrder`,
//! `PostingSort`, `ApplicationStage`, `LeaveKind`, `LeaveStatus`) carry no derive of ours:
//! each is keyed by what its traits allow (its whole value where it is `Eq`, else its
//! variant), as a field and as an argument; a `Vec` of an `Eq` enum is keyed whole, and so
//! is an `Eq` enum a list is computed from. 19 of the 21 compile as written. The other two
//! compute on each element of a bound list (`.to_lowercase()` of each email, an insert's
//! row position); they were changed as little as seemed reasonable, and each says so in an
//! "As written:" comment.

#![allow(
    clippy::ptr_arg,
    clippy::ref_option,
    clippy::too_many_arguments,
    dead_code
)]

use std::borrow::Cow;
use std::fmt;

use cached_query::cached_query;
use cached_query_tests::check::{assert_same, assert_served};
use sea_query::{
    Alias, Asterisk, Cond, Condition, DeleteStatement, Expr, ExprTrait, Func, Iden,
    InsertStatement, LikeExpr, OnConflict, Order, Query, SelectStatement, UpdateStatement,
};

// ---------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------

#[derive(Iden)]
enum Employees {
    Table,
    Id,
    FirstName,
    LastName,
    Email,
    DepartmentId,
    ManagerId,
    Title,
    Status,
    Salary,
    HiredAt,
    TerminatedAt,
    IsManager,
}

#[derive(Iden)]
enum Departments {
    Table,
    Id,
    Name,
    ParentId,
    Active,
}

#[derive(Iden)]
enum JobPostings {
    Table,
    Id,
    Title,
    DepartmentId,
    Status,
    Location,
    Remote,
    SalaryMin,
    SalaryMax,
    PostedAt,
    ClosesAt,
}

#[derive(Iden)]
enum Candidates {
    Table,
    Id,
    FullName,
    Email,
    Source,
    YearsExperience,
    CreatedAt,
    ArchivedAt,
}

#[derive(Iden)]
enum Applications {
    Table,
    Id,
    CandidateId,
    PostingId,
    Stage,
    Score,
    AppliedAt,
    UpdatedAt,
    HiredAt,
    RejectedReason,
}

#[derive(Iden)]
enum Interviews {
    Table,
    Id,
    ApplicationId,
    InterviewerId,
    Kind,
    ScheduledAt,
    DurationMinutes,
}

#[derive(Iden)]
enum InterviewPanel {
    Table,
    InterviewId,
    EmployeeId,
    Position,
}

#[derive(Iden)]
enum LeaveRequests {
    Table,
    Id,
    EmployeeId,
    Kind,
    Status,
    StartsOn,
    EndsOn,
    Days,
    ApprovedBy,
    DecidedAt,
    DecisionNote,
    CreatedAt,
}

#[derive(Iden)]
enum PayrollRuns {
    Table,
    Id,
    DepartmentId,
    PeriodStart,
    PeriodEnd,
    Status,
    GrossCents,
    NetCents,
    RunAt,
}

const DEFAULT_PER_PAGE: u64 = 25;
const MAX_PER_PAGE: u64 = 100;
const APPLICATIONS_PER_PAGE: u64 = 30;
const SECONDS_PER_DAY: i64 = 86_400;

// ---------------------------------------------------------------------------------------
// Request types
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Employee,
    Manager,
    Hr,
    Admin,
}

#[derive(Debug, Clone, cached_query::Args)]
pub struct Viewer {
    pub employee_id: i64,
    pub department_id: i64,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmploymentStatus {
    Active,
    OnLeave,
    Terminated,
}

impl fmt::Display for EmploymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EmploymentStatus::Active => "active",
            EmploymentStatus::OnLeave => "on_leave",
            EmploymentStatus::Terminated => "terminated",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmployeeSort {
    #[default]
    Name,
    HiredAt,
    Salary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Asc,
    Desc,
}

#[derive(Debug, Clone, Default, cached_query::Args)]
pub struct DateRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

#[derive(Debug, Clone, Default, cached_query::Args)]
pub struct SalaryRange {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

#[derive(Debug, Clone, Default, cached_query::Args)]
pub struct EmployeeFilter {
    pub department_ids: Vec<i64>,
    pub status: Option<EmploymentStatus>,
    pub title: Option<String>,
    pub manager_id: Option<i64>,
    pub hired: Option<DateRange>,
    pub salary: Option<SalaryRange>,
    pub search: Option<String>,
    pub sort: EmployeeSort,
    pub order: SortOrder,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostingStatus {
    Draft,
    Open,
    Closed,
    Filled,
}

impl fmt::Display for PostingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PostingStatus::Draft => "draft",
            PostingStatus::Open => "open",
            PostingStatus::Closed => "closed",
            PostingStatus::Filled => "filled",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostingSort {
    Newest,
    ClosingSoon,
    SalaryHigh,
}

#[derive(Debug, Clone, Default, cached_query::Args)]
pub struct PostingFilter {
    pub statuses: Vec<PostingStatus>,
    pub department_id: Option<i64>,
    pub remote: Option<bool>,
    pub location: Option<String>,
    pub salary: Option<SalaryRange>,
    pub posted: Option<DateRange>,
    pub sort: Option<PostingSort>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostingView {
    All,
    Open,
    Closed,
    Drafts,
}

impl PostingView {
    fn status(&self) -> Option<&'static str> {
        match self {
            PostingView::All => None,
            PostingView::Open => Some("open"),
            PostingView::Closed => Some("closed"),
            PostingView::Drafts => Some("draft"),
        }
    }
}

#[derive(Debug, Clone, Default, cached_query::Args)]
pub struct CandidateFilter {
    pub search: Option<String>,
    pub sources: Vec<String>,
    pub min_experience: Option<u32>,
    pub created: Option<DateRange>,
    pub exclude_ids: Vec<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationStage {
    Applied,
    Screening,
    Interview,
    Offer,
    Hired,
    Rejected,
}

impl fmt::Display for ApplicationStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ApplicationStage::Applied => "applied",
            ApplicationStage::Screening => "screening",
            ApplicationStage::Interview => "interview",
            ApplicationStage::Offer => "offer",
            ApplicationStage::Hired => "hired",
            ApplicationStage::Rejected => "rejected",
        })
    }
}

#[derive(Debug, Clone, Default, cached_query::Args)]
pub struct ApplicationFilter {
    pub posting_id: Option<i64>,
    pub stage: Option<ApplicationStage>,
    pub min_score: Option<i32>,
    pub applied: Option<DateRange>,
    pub sort: String,
    pub order: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageFilter {
    All,
    Active,
    Closed,
}

impl StageFilter {
    fn stages(&self) -> Option<&'static [&'static str]> {
        match self {
            StageFilter::All => None,
            StageFilter::Active => Some(&["applied", "screening", "interview", "offer"]),
            StageFilter::Closed => Some(&["hired", "rejected"]),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveKind {
    Vacation,
    Sick,
    Parental,
    Unpaid,
}

impl fmt::Display for LeaveKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LeaveKind::Vacation => "vacation",
            LeaveKind::Sick => "sick",
            LeaveKind::Parental => "parental",
            LeaveKind::Unpaid => "unpaid",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LeaveStatus {
    #[default]
    Pending,
    Approved,
    Rejected,
    Cancelled,
}

impl fmt::Display for LeaveStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LeaveStatus::Pending => "pending",
            LeaveStatus::Approved => "approved",
            LeaveStatus::Rejected => "rejected",
            LeaveStatus::Cancelled => "cancelled",
        })
    }
}

#[derive(Debug, Clone, Default, cached_query::Args)]
pub struct LeaveFilter {
    pub employee_ids: Vec<i64>,
    pub kind: Option<LeaveKind>,
    pub status: LeaveStatus,
    pub period: Option<DateRange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayrollStatus {
    Draft,
    Processing,
    Paid,
    Failed,
}

impl fmt::Display for PayrollStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PayrollStatus::Draft => "draft",
            PayrollStatus::Processing => "processing",
            PayrollStatus::Paid => "paid",
            PayrollStatus::Failed => "failed",
        })
    }
}

// ---------------------------------------------------------------------------------------
// Shared filters and permission checks
// ---------------------------------------------------------------------------------------

#[cached_query::part]
fn employee_scope(q: &mut SelectStatement, viewer: &Viewer) {
    match viewer.role {
        Role::Hr | Role::Admin => {}
        Role::Manager => {
            q.and_where(
                Expr::col((Employees::Table, Employees::DepartmentId)).eq(viewer.department_id),
            );
        }
        Role::Employee => {
            q.and_where(Expr::col((Employees::Table, Employees::Id)).eq(viewer.employee_id));
        }
    }
}

#[cached_query::part]
fn leave_visibility(viewer: &Viewer) -> Condition {
    match &viewer.role {
        Role::Admin | Role::Hr => Cond::all(),
        Role::Manager => Cond::any()
            .add(Expr::col((Employees::Table, Employees::DepartmentId)).eq(viewer.department_id))
            .add(
                Expr::col((LeaveRequests::Table, LeaveRequests::EmployeeId)).eq(viewer.employee_id),
            ),
        Role::Employee => Cond::all().add(
            Expr::col((LeaveRequests::Table, LeaveRequests::EmployeeId)).eq(viewer.employee_id),
        ),
    }
}

#[cached_query::part]
fn payroll_scope(viewer: &Viewer) -> Condition {
    if viewer.role == Role::Admin || viewer.role == Role::Hr {
        Cond::all()
    } else {
        Cond::all()
            .add(Expr::col(PayrollRuns::DepartmentId).eq(viewer.department_id))
            .add(Expr::col(PayrollRuns::Status).eq("paid"))
    }
}

#[cached_query::part]
fn apply_employee_filter(q: &mut SelectStatement, filter: &EmployeeFilter) {
    if !filter.department_ids.is_empty() {
        q.and_where(
            Expr::col((Employees::Table, Employees::DepartmentId))
                .is_in(filter.department_ids.iter().copied()),
        );
    }
    if let Some(status) = filter.status {
        q.and_where(Expr::col((Employees::Table, Employees::Status)).eq(status.to_string()));
    }
    if let Some(title) = &filter.title {
        q.and_where(Expr::col((Employees::Table, Employees::Title)).eq(title.as_str()));
    }
    if let Some(manager_id) = filter.manager_id {
        q.and_where(Expr::col((Employees::Table, Employees::ManagerId)).eq(manager_id));
    }
    if let Some(hired) = &filter.hired {
        if let Some(from) = hired.from {
            q.and_where(Expr::col((Employees::Table, Employees::HiredAt)).gte(from));
        }
        if let Some(to) = hired.to {
            q.and_where(Expr::col((Employees::Table, Employees::HiredAt)).lt(to));
        }
    }
    if let Some(salary) = &filter.salary {
        if let Some(min) = salary.min {
            q.and_where(Expr::col((Employees::Table, Employees::Salary)).gte(min));
        }
        if let Some(max) = salary.max {
            q.and_where(Expr::col((Employees::Table, Employees::Salary)).lte(max));
        }
    }
    if let Some(search) = &filter.search {
        let escaped = search
            .trim()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{}%", escaped.to_lowercase());
        q.cond_where(
            Cond::any()
                .add(
                    Func::lower(Expr::col((Employees::Table, Employees::FirstName)))
                        .like(LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(
                    Func::lower(Expr::col((Employees::Table, Employees::LastName)))
                        .like(LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(
                    Func::lower(Expr::col((Employees::Table, Employees::Email)))
                        .like(LikeExpr::new(pattern).escape('\\')),
                ),
        );
    }
}

#[cached_query::part]
fn salary_overlap(range: &SalaryRange) -> Condition {
    let mut cond = Cond::all();
    if let Some(min) = range.min {
        cond = cond.add(Expr::col(JobPostings::SalaryMax).gte(min));
    }
    if let Some(max) = range.max {
        cond = cond.add(Expr::col(JobPostings::SalaryMin).lte(max));
    }
    cond
}

#[cached_query::part]
fn candidate_condition(filter: &CandidateFilter) -> Condition {
    let mut cond = Cond::all().add(Expr::col(Candidates::ArchivedAt).is_null());
    if let Some(search) = &filter.search {
        let term = search.trim();
        if !term.is_empty() {
            let escaped = term
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            cond =
                cond.add(
                    Cond::any()
                        .add(
                            Expr::col(Candidates::FullName)
                                .like(LikeExpr::new(format!("%{}%", escaped)).escape('\\')),
                        )
                        .add(Expr::col(Candidates::Email).like(
                            LikeExpr::new(format!("{}%", escaped.to_lowercase())).escape('\\'),
                        )),
                );
        }
    }
    if !filter.sources.is_empty() {
        cond = cond.add(Expr::col(Candidates::Source).is_in(filter.sources.iter().cloned()));
    }
    if let Some(years) = filter.min_experience {
        cond = cond.add(Expr::col(Candidates::YearsExperience).gte(years));
    }
    if let Some(created) = &filter.created {
        if let Some(from) = created.from {
            cond = cond.add(Expr::col(Candidates::CreatedAt).gte(from));
        }
        if let Some(to) = created.to {
            cond = cond.add(Expr::col(Candidates::CreatedAt).lt(to));
        }
    }
    if !filter.exclude_ids.is_empty() {
        cond = cond.add(Expr::col(Candidates::Id).is_not_in(filter.exclude_ids.iter().copied()));
    }
    cond
}

// ---------------------------------------------------------------------------------------
// 1. Employee directory
// ---------------------------------------------------------------------------------------

#[cached_query]
pub fn list_employees(
    viewer: &Viewer,
    filter: &EmployeeFilter,
    page: u64,
    per_page: u64,
) -> SelectStatement {
    let per_page = std::cmp::min(per_page, MAX_PER_PAGE);
    let mut q = Query::select();
    q.columns([
        (Employees::Table, Employees::Id),
        (Employees::Table, Employees::FirstName),
        (Employees::Table, Employees::LastName),
        (Employees::Table, Employees::Email),
        (Employees::Table, Employees::Title),
        (Employees::Table, Employees::Status),
        (Employees::Table, Employees::HiredAt),
    ])
    .from(Employees::Table);
    employee_scope(&mut q, viewer);
    apply_employee_filter(&mut q, filter);
    let direction = match filter.order {
        SortOrder::Asc => Order::Asc,
        SortOrder::Desc => Order::Desc,
    };
    match filter.sort {
        EmployeeSort::Name => {
            q.order_by((Employees::Table, Employees::LastName), direction.clone())
                .order_by((Employees::Table, Employees::FirstName), direction);
        }
        EmployeeSort::HiredAt => {
            q.order_by((Employees::Table, Employees::HiredAt), direction);
        }
        EmployeeSort::Salary => {
            q.order_by((Employees::Table, Employees::Salary), direction);
        }
    }
    q.order_by((Employees::Table, Employees::Id), Order::Asc)
        .limit(per_page)
        .offset(page * per_page);
    q
}

// 2. Count for the directory's pagination header.
#[cached_query]
pub fn count_employees(viewer: &Viewer, filter: &EmployeeFilter) -> SelectStatement {
    let mut q = Query::select();
    q.expr_as(Func::count(Expr::col(Asterisk)), Alias::new("total"))
        .from(Employees::Table);
    employee_scope(&mut q, viewer);
    apply_employee_filter(&mut q, filter);
    q
}

// 3. Infinite scroll over recent hires, keyset on (hired_at, id).
#[cached_query]
pub fn employees_keyset(
    department_id: Option<i64>,
    status: Option<EmploymentStatus>,
    after: Option<(i64, i64)>,
    limit: usize,
) -> SelectStatement {
    let limit = std::cmp::min(limit, 200) as u64;
    let mut q = Query::select();
    q.columns([
        Employees::Id,
        Employees::FirstName,
        Employees::LastName,
        Employees::HiredAt,
    ])
    .from(Employees::Table);
    if let Some(department_id) = department_id {
        q.and_where(Expr::col(Employees::DepartmentId).eq(department_id));
    }
    match status {
        Some(EmploymentStatus::Terminated) => {
            q.and_where(Expr::col(Employees::TerminatedAt).is_not_null());
        }
        Some(other) => {
            q.and_where(Expr::col(Employees::Status).eq(other.to_string()));
        }
        None => {
            q.and_where(Expr::col(Employees::TerminatedAt).is_null());
        }
    }
    if let Some((hired_at, id)) = after {
        q.cond_where(
            Cond::any()
                .add(Expr::col(Employees::HiredAt).lt(hired_at))
                .add(
                    Cond::all()
                        .add(Expr::col(Employees::HiredAt).eq(hired_at))
                        .add(Expr::col(Employees::Id).lt(id)),
                ),
        );
    }
    q.order_by(Employees::HiredAt, Order::Desc)
        .order_by(Employees::Id, Order::Desc)
        .limit(limit);
    q
}

// 4. Quick search box.
#[cached_query]
pub fn search_employees(
    term: &str,
    status: EmploymentStatus,
    page: u32,
    per_page: u32,
) -> SelectStatement {
    let escaped = term
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("%{}%", escaped.to_lowercase());
    let mut q = Query::select();
    q.columns([
        Employees::Id,
        Employees::FirstName,
        Employees::LastName,
        Employees::Email,
    ])
    .from(Employees::Table)
    .cond_where(
        Cond::any()
            .add(
                Func::lower(Expr::col(Employees::FirstName))
                    .like(LikeExpr::new(pattern.clone()).escape('\\')),
            )
            .add(
                Func::lower(Expr::col(Employees::LastName))
                    .like(LikeExpr::new(pattern.clone()).escape('\\')),
            )
            .add(
                Func::lower(Expr::col(Employees::Email)).like(LikeExpr::new(pattern).escape('\\')),
            ),
    )
    .and_where(Expr::col(Employees::Status).eq(status.to_string()));
    if status == EmploymentStatus::Terminated {
        q.order_by(Employees::TerminatedAt, Order::Desc);
    } else {
        q.order_by(Employees::LastName, Order::Asc);
    }
    q.limit(per_page as u64)
        .offset(u64::from(page) * u64::from(per_page));
    q
}

// 5. Org chart: departments with headcount.
#[cached_query]
pub fn departments_with_headcount(
    parent_id: Option<i64>,
    include_inactive: &bool,
    min_headcount: &u32,
) -> SelectStatement {
    let mut q = Query::select();
    q.column((Departments::Table, Departments::Id))
        .column((Departments::Table, Departments::Name))
        .expr_as(
            Func::count(Expr::col((Employees::Table, Employees::Id))),
            Alias::new("headcount"),
        )
        .from(Departments::Table)
        .left_join(
            Employees::Table,
            Expr::col((Employees::Table, Employees::DepartmentId))
                .equals((Departments::Table, Departments::Id)),
        );
    if let Some(parent_id) = parent_id {
        q.and_where(Expr::col((Departments::Table, Departments::ParentId)).eq(parent_id));
    } else {
        q.and_where(Expr::col((Departments::Table, Departments::ParentId)).is_null());
    }
    if !*include_inactive {
        q.and_where(Expr::col((Departments::Table, Departments::Active)).eq(true));
    }
    q.group_by_col((Departments::Table, Departments::Id))
        .group_by_col((Departments::Table, Departments::Name));
    if *min_headcount > 0 {
        q.and_having(Func::count(Expr::col((Employees::Table, Employees::Id))).gte(*min_headcount));
    }
    q.order_by((Departments::Table, Departments::Name), Order::Asc);
    q
}

// 6. Careers page / internal job board.
// A `Vec` of an `Eq` enum, mapped element by element: keyed whole.
#[cached_query]
pub fn list_job_postings(filter: &PostingFilter, page: usize, per_page: usize) -> SelectStatement {
    let per_page = std::cmp::min(per_page, 50);
    let mut q = Query::select();
    q.columns([
        JobPostings::Id,
        JobPostings::Title,
        JobPostings::Location,
        JobPostings::Remote,
        JobPostings::SalaryMin,
        JobPostings::SalaryMax,
        JobPostings::PostedAt,
    ])
    .from(JobPostings::Table);
    if !filter.statuses.is_empty() {
        q.and_where(
            Expr::col(JobPostings::Status).is_in(filter.statuses.iter().map(|s| s.to_string())),
        );
    }
    if let Some(department_id) = filter.department_id {
        q.and_where(Expr::col(JobPostings::DepartmentId).eq(department_id));
    }
    if let Some(remote) = filter.remote {
        q.and_where(Expr::col(JobPostings::Remote).eq(remote));
    }
    if let Some(location) = &filter.location {
        q.and_where(Expr::col(JobPostings::Location).eq(location.clone()));
    }
    if let Some(salary) = &filter.salary {
        q.cond_where(salary_overlap(salary));
    }
    if let Some(posted) = &filter.posted {
        if let Some(from) = posted.from {
            q.and_where(Expr::col(JobPostings::PostedAt).gte(from));
        }
        if let Some(to) = posted.to {
            q.and_where(Expr::col(JobPostings::PostedAt).lt(to));
        }
    }
    match filter.sort.unwrap_or(PostingSort::Newest) {
        PostingSort::Newest => q.order_by(JobPostings::PostedAt, Order::Desc),
        PostingSort::ClosingSoon => q.order_by(JobPostings::ClosesAt, Order::Asc),
        PostingSort::SalaryHigh => q.order_by(JobPostings::SalaryMax, Order::Desc),
    };
    q.order_by(JobPostings::Id, Order::Desc)
        .limit(per_page as u64)
        .offset((page * per_page) as u64);
    q
}

// 7. Recruiter dashboard tabs.
#[cached_query]
pub fn postings_by_view(
    view: PostingView,
    department_id: Option<i64>,
    remote_only: bool,
    now_ts: i64,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        JobPostings::Id,
        JobPostings::Title,
        JobPostings::Status,
        JobPostings::ClosesAt,
    ])
    .from(JobPostings::Table);
    if let Some(status) = view.status() {
        q.and_where(Expr::col(JobPostings::Status).eq(status));
    }
    if view == PostingView::Open {
        q.cond_where(
            Cond::any()
                .add(Expr::col(JobPostings::ClosesAt).is_null())
                .add(Expr::col(JobPostings::ClosesAt).gt(now_ts)),
        );
    }
    if let Some(department_id) = department_id {
        q.and_where(Expr::col(JobPostings::DepartmentId).eq(department_id));
    }
    if remote_only {
        q.and_where(Expr::col(JobPostings::Remote).eq(true));
    }
    q.order_by(JobPostings::PostedAt, Order::Desc);
    q
}

// 8. Candidate database search with a keyset cursor.
#[cached_query]
pub fn search_candidates(
    filter: &CandidateFilter,
    after: Option<(i64, i64)>,
    limit: u32,
) -> SelectStatement {
    let limit = std::cmp::min(limit, 100);
    let mut q = Query::select();
    q.columns([
        Candidates::Id,
        Candidates::FullName,
        Candidates::Email,
        Candidates::Source,
        Candidates::CreatedAt,
    ])
    .from(Candidates::Table)
    .cond_where(candidate_condition(filter));
    if let Some((created_at, id)) = after {
        q.cond_where(
            Cond::any()
                .add(Expr::col(Candidates::CreatedAt).lt(created_at))
                .add(
                    Cond::all()
                        .add(Expr::col(Candidates::CreatedAt).eq(created_at))
                        .add(Expr::col(Candidates::Id).lt(id)),
                ),
        );
    }
    q.order_by(Candidates::CreatedAt, Order::Desc)
        .order_by(Candidates::Id, Order::Desc)
        .limit(u64::from(limit));
    q
}

// 9. Duplicate check when a candidate applies.
#[cached_query]
pub fn candidate_by_email(email: Cow<'_, str>, include_archived: &bool) -> SelectStatement {
    let normalized = email.trim().to_lowercase();
    let mut q = Query::select();
    q.columns([Candidates::Id, Candidates::FullName, Candidates::ArchivedAt])
        .from(Candidates::Table)
        .and_where(Func::lower(Expr::col(Candidates::Email)).eq(normalized));
    if !*include_archived {
        q.and_where(Expr::col(Candidates::ArchivedAt).is_null());
    }
    q.limit(1);
    q
}

// 10. Applications list with free-form sort/order query parameters.
#[cached_query]
pub fn list_applications(filter: &ApplicationFilter, page: u64) -> SelectStatement {
    let direction = if filter.order.eq_ignore_ascii_case("desc") {
        Order::Desc
    } else {
        Order::Asc
    };
    let mut q = Query::select();
    q.columns([
        (Applications::Table, Applications::Id),
        (Applications::Table, Applications::Stage),
        (Applications::Table, Applications::Score),
        (Applications::Table, Applications::AppliedAt),
    ])
    .column((Candidates::Table, Candidates::FullName))
    .from(Applications::Table)
    .inner_join(
        Candidates::Table,
        Expr::col((Candidates::Table, Candidates::Id))
            .equals((Applications::Table, Applications::CandidateId)),
    );
    if let Some(posting_id) = filter.posting_id {
        q.and_where(Expr::col((Applications::Table, Applications::PostingId)).eq(posting_id));
    }
    if let Some(stage) = filter.stage {
        q.and_where(Expr::col((Applications::Table, Applications::Stage)).eq(stage.to_string()));
    }
    if let Some(min_score) = filter.min_score {
        q.and_where(Expr::col((Applications::Table, Applications::Score)).gte(min_score));
    }
    if let Some(applied) = &filter.applied {
        if let Some(from) = applied.from {
            q.and_where(Expr::col((Applications::Table, Applications::AppliedAt)).gte(from));
        }
        if let Some(to) = applied.to {
            q.and_where(Expr::col((Applications::Table, Applications::AppliedAt)).lt(to));
        }
    }
    match filter.sort.as_str() {
        "score" => q.order_by((Applications::Table, Applications::Score), direction),
        "applied_at" | "date" => {
            q.order_by((Applications::Table, Applications::AppliedAt), direction)
        }
        "name" => q.order_by((Candidates::Table, Candidates::FullName), direction),
        _ => q.order_by((Applications::Table, Applications::Id), direction),
    };
    q.limit(APPLICATIONS_PER_PAGE)
        .offset(page * APPLICATIONS_PER_PAGE);
    q
}

// 11. Funnel chart for a posting.
// A list returned by a method of an `Eq` enum argument: the enum is keyed whole.
#[cached_query]
pub fn application_pipeline(posting_id: i64, view: &StageFilter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Applications::Stage)
        .expr_as(Func::count(Expr::col(Asterisk)), Alias::new("count"))
        .from(Applications::Table)
        .and_where(Expr::col(Applications::PostingId).eq(posting_id));
    if let Some(stages) = view.stages() {
        q.and_where(Expr::col(Applications::Stage).is_in(stages.iter().copied()));
    }
    q.group_by_col(Applications::Stage);
    match view {
        StageFilter::Closed => {
            q.order_by(Alias::new("count"), Order::Desc);
        }
        StageFilter::All | StageFilter::Active => {
            q.order_by(Applications::Stage, Order::Asc);
        }
    }
    q
}

// 12. Move an application through the pipeline.
#[cached_query]
pub fn update_application_stage(
    application_id: i64,
    stage: ApplicationStage,
    score: Option<i32>,
    rejected_reason: Option<&String>,
    now_ts: i64,
) -> UpdateStatement {
    let mut q = Query::update();
    q.table(Applications::Table)
        .value(Applications::Stage, stage.to_string())
        .value(Applications::UpdatedAt, now_ts);
    if let Some(score) = score {
        q.value(Applications::Score, score);
    }
    match stage {
        ApplicationStage::Rejected => {
            q.value(
                Applications::RejectedReason,
                rejected_reason.map(|r| r.as_str()).unwrap_or("unspecified"),
            );
        }
        ApplicationStage::Hired => {
            q.value(Applications::HiredAt, now_ts);
        }
        _ => {}
    }
    q.and_where(Expr::col(Applications::Id).eq(application_id));
    q
}

// 13. Interviewer calendar.
#[cached_query]
pub fn upcoming_interviews(
    viewer: &Viewer,
    interviewer_id: Option<i64>,
    kinds: &[&str],
    from_ts: i64,
    days: &u32,
) -> SelectStatement {
    let until = from_ts + i64::from(*days) * SECONDS_PER_DAY;
    let mut q = Query::select();
    q.columns([
        (Interviews::Table, Interviews::Id),
        (Interviews::Table, Interviews::ApplicationId),
        (Interviews::Table, Interviews::Kind),
        (Interviews::Table, Interviews::ScheduledAt),
        (Interviews::Table, Interviews::DurationMinutes),
    ])
    .from(Interviews::Table)
    .inner_join(
        Employees::Table,
        Expr::col((Employees::Table, Employees::Id))
            .equals((Interviews::Table, Interviews::InterviewerId)),
    )
    .and_where(Expr::col((Interviews::Table, Interviews::ScheduledAt)).gte(from_ts))
    .and_where(Expr::col((Interviews::Table, Interviews::ScheduledAt)).lt(until));
    employee_scope(&mut q, viewer);
    if let Some(interviewer_id) = interviewer_id {
        q.and_where(Expr::col((Interviews::Table, Interviews::InterviewerId)).eq(interviewer_id));
    }
    if !kinds.is_empty() {
        q.and_where(Expr::col((Interviews::Table, Interviews::Kind)).is_in(kinds.iter().copied()));
    }
    q.order_by((Interviews::Table, Interviews::ScheduledAt), Order::Asc);
    q
}

// 14. Assign a panel of interviewers (multi-row insert).
// As written: `for (position, employee_id) in employee_ids.iter().enumerate()` inserting a
// third column `position`; rejected ("`.enumerate()` on list `employee_ids` looks at its
// length, its order or single elements"). A counter (`position += 1`) and a list of
// `(i64, i32)` pairs were rejected too. Changed: the `position` column is no longer written.
#[cached_query]
pub fn add_interview_panel(interview_id: i64, employee_ids: &[i64]) -> InsertStatement {
    let mut q = Query::insert();
    q.into_table(InterviewPanel::Table)
        .columns([InterviewPanel::InterviewId, InterviewPanel::EmployeeId]);
    for employee_id in employee_ids.iter() {
        q.values_panic([interview_id.into(), (*employee_id).into()]);
    }
    q.on_conflict(
        OnConflict::columns([InterviewPanel::InterviewId, InterviewPanel::EmployeeId])
            .do_nothing()
            .to_owned(),
    );
    q
}

// 15. Leave requests inbox.
#[cached_query]
pub fn list_leave_requests(
    viewer: &Viewer,
    filter: &LeaveFilter,
    page: u64,
    per_page: Option<u64>,
) -> SelectStatement {
    let per_page = std::cmp::min(per_page.unwrap_or(DEFAULT_PER_PAGE), MAX_PER_PAGE);
    let mut q = Query::select();
    q.columns([
        (LeaveRequests::Table, LeaveRequests::Id),
        (LeaveRequests::Table, LeaveRequests::EmployeeId),
        (LeaveRequests::Table, LeaveRequests::Kind),
        (LeaveRequests::Table, LeaveRequests::Status),
        (LeaveRequests::Table, LeaveRequests::StartsOn),
        (LeaveRequests::Table, LeaveRequests::EndsOn),
    ])
    .from(LeaveRequests::Table)
    .inner_join(
        Employees::Table,
        Expr::col((Employees::Table, Employees::Id))
            .equals((LeaveRequests::Table, LeaveRequests::EmployeeId)),
    )
    .cond_where(leave_visibility(viewer));
    if !filter.employee_ids.is_empty() {
        q.and_where(
            Expr::col((LeaveRequests::Table, LeaveRequests::EmployeeId))
                .is_in(filter.employee_ids.iter().copied()),
        );
    }
    if let Some(kind) = filter.kind {
        q.and_where(Expr::col((LeaveRequests::Table, LeaveRequests::Kind)).eq(kind.to_string()));
    }
    q.and_where(
        Expr::col((LeaveRequests::Table, LeaveRequests::Status)).eq(filter.status.to_string()),
    );
    if let Some(period) = &filter.period {
        if let Some(from) = period.from {
            q.and_where(Expr::col((LeaveRequests::Table, LeaveRequests::EndsOn)).gte(from));
        }
        if let Some(to) = period.to {
            q.and_where(Expr::col((LeaveRequests::Table, LeaveRequests::StartsOn)).lte(to));
        }
    }
    match filter.status {
        LeaveStatus::Pending => {
            q.order_by((LeaveRequests::Table, LeaveRequests::CreatedAt), Order::Asc);
        }
        _ => {
            q.order_by((LeaveRequests::Table, LeaveRequests::StartsOn), Order::Desc);
        }
    }
    q.limit(per_page).offset(page * per_page);
    q
}

// 16. Leave balance: days used this year.
#[cached_query]
pub fn leave_days_used(
    employee_id: i64,
    year: &u32,
    kind: Option<LeaveKind>,
    include_pending: bool,
) -> SelectStatement {
    let year_start = (*year as i64 - 1970) * 365 * SECONDS_PER_DAY;
    let year_end = year_start + 365 * SECONDS_PER_DAY;
    let mut q = Query::select();
    q.expr_as(
        Func::sum(Expr::col(LeaveRequests::Days)),
        Alias::new("days"),
    )
    .from(LeaveRequests::Table)
    .and_where(Expr::col(LeaveRequests::EmployeeId).eq(employee_id))
    .and_where(Expr::col(LeaveRequests::StartsOn).gte(year_start))
    .and_where(Expr::col(LeaveRequests::StartsOn).lt(year_end));
    if include_pending {
        q.and_where(Expr::col(LeaveRequests::Status).is_in(["approved", "pending"]));
    } else {
        q.and_where(Expr::col(LeaveRequests::Status).eq("approved"));
    }
    match &kind {
        Some(LeaveKind::Unpaid) => {
            q.and_where(Expr::col(LeaveRequests::Kind).eq("unpaid"));
        }
        Some(k) => {
            q.and_where(Expr::col(LeaveRequests::Kind).eq(k.to_string()));
        }
        None => {
            q.and_where(Expr::col(LeaveRequests::Kind).ne("unpaid"));
        }
    }
    q
}

// 17. Approve or reject a leave request.
#[cached_query]
pub fn decide_leave(
    request_id: i64,
    approver_id: i64,
    approve: &bool,
    note: &Option<String>,
    now_ts: i64,
) -> UpdateStatement {
    let status = if *approve {
        LeaveStatus::Approved
    } else {
        LeaveStatus::Rejected
    };
    let mut q = Query::update();
    q.table(LeaveRequests::Table)
        .value(LeaveRequests::Status, status.to_string())
        .value(LeaveRequests::ApprovedBy, approver_id)
        .value(LeaveRequests::DecidedAt, now_ts);
    if let Some(note) = note {
        q.value(LeaveRequests::DecisionNote, note.trim());
    }
    q.and_where(Expr::col(LeaveRequests::Id).eq(request_id))
        .and_where(Expr::col(LeaveRequests::Status).eq("pending"));
    q
}

// 18. Withdraw leave requests.
#[cached_query]
pub fn delete_leave_requests(
    employee_id: i64,
    request_ids: &[i64],
    only_pending: &bool,
) -> DeleteStatement {
    let mut q = Query::delete();
    q.from_table(LeaveRequests::Table)
        .and_where(Expr::col(LeaveRequests::EmployeeId).eq(employee_id));
    if !request_ids.is_empty() {
        q.and_where(Expr::col(LeaveRequests::Id).is_in(request_ids.iter().copied()));
    }
    if *only_pending {
        q.and_where(Expr::col(LeaveRequests::Status).eq("pending"));
    }
    q
}

// 19. Record a payroll run (upsert on department + period).
#[cached_query]
pub fn upsert_payroll_run(
    department_id: i64,
    period_start: i64,
    period_end: i64,
    status: PayrollStatus,
    gross_cents: i64,
    net_cents: Option<i64>,
) -> InsertStatement {
    let net = net_cents.unwrap_or(gross_cents * 7 / 10);
    let mut q = Query::insert();
    q.into_table(PayrollRuns::Table)
        .columns([
            PayrollRuns::DepartmentId,
            PayrollRuns::PeriodStart,
            PayrollRuns::PeriodEnd,
            PayrollRuns::Status,
            PayrollRuns::GrossCents,
            PayrollRuns::NetCents,
        ])
        .values_panic([
            department_id.into(),
            period_start.into(),
            period_end.into(),
            status.to_string().into(),
            gross_cents.into(),
            net.into(),
        ]);
    let on_conflict = match status {
        PayrollStatus::Draft => {
            OnConflict::columns([PayrollRuns::DepartmentId, PayrollRuns::PeriodStart])
                .update_columns([
                    PayrollRuns::PeriodEnd,
                    PayrollRuns::Status,
                    PayrollRuns::GrossCents,
                    PayrollRuns::NetCents,
                ])
                .to_owned()
        }
        _ => OnConflict::columns([PayrollRuns::DepartmentId, PayrollRuns::PeriodStart])
            .update_column(PayrollRuns::Status)
            .to_owned(),
    };
    q.on_conflict(on_conflict);
    q
}

// 20. Payroll history.
#[cached_query]
pub fn payroll_runs(
    viewer: &Viewer,
    statuses: &[&str],
    period: Option<DateRange>,
    order: &str,
    limit: Option<u64>,
) -> SelectStatement {
    let limit = std::cmp::min(limit.unwrap_or(12), 120);
    let mut q = Query::select();
    q.columns([
        PayrollRuns::Id,
        PayrollRuns::DepartmentId,
        PayrollRuns::PeriodStart,
        PayrollRuns::PeriodEnd,
        PayrollRuns::Status,
        PayrollRuns::NetCents,
        PayrollRuns::RunAt,
    ])
    .from(PayrollRuns::Table)
    .cond_where(payroll_scope(viewer));
    if !statuses.is_empty() {
        q.and_where(Expr::col(PayrollRuns::Status).is_in(statuses.iter().copied()));
    }
    if let Some(period) = period {
        if let Some(from) = period.from {
            q.and_where(Expr::col(PayrollRuns::PeriodStart).gte(from));
        }
        if let Some(to) = period.to {
            q.and_where(Expr::col(PayrollRuns::PeriodEnd).lte(to));
        }
    }
    if order.eq_ignore_ascii_case("desc") {
        q.order_by(PayrollRuns::PeriodStart, Order::Desc);
    } else {
        q.order_by(PayrollRuns::PeriodStart, Order::Asc);
    }
    q.limit(limit);
    q
}

// 21. Bulk lookup for an import / SSO sync.
// As written: `.is_in(emails.iter().map(|e| e.to_lowercase()))`; rejected ("`.to_lowercase()`
// on `e` taken from argument `emails` computes a new value from a bound argument"). Changed to
// `.is_in(emails.iter().copied())`: callers pass lowercased emails.
#[cached_query]
pub fn employees_by_emails(
    emails: &[&str],
    department: Option<&String>,
    title_prefix: &Option<String>,
    managers_only: &bool,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        (Employees::Table, Employees::Id),
        (Employees::Table, Employees::Email),
        (Employees::Table, Employees::Title),
    ])
    .from(Employees::Table);
    if !emails.is_empty() {
        q.and_where(Expr::col((Employees::Table, Employees::Email)).is_in(emails.iter().copied()));
    }
    if let Some(department) = department {
        q.inner_join(
            Departments::Table,
            Expr::col((Departments::Table, Departments::Id))
                .equals((Employees::Table, Employees::DepartmentId)),
        )
        .and_where(Expr::col((Departments::Table, Departments::Name)).eq(department.as_str()));
    }
    if let Some(prefix) = title_prefix {
        let escaped = prefix.replace('%', "\\%").replace('_', "\\_");
        q.and_where(
            Expr::col((Employees::Table, Employees::Title))
                .like(LikeExpr::new(format!("{}%", escaped)).escape('\\')),
        );
    }
    if *managers_only {
        q.and_where(Expr::col((Employees::Table, Employees::IsManager)).eq(true));
    }
    q.order_by((Employees::Table, Employees::Email), Order::Asc);
    q
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

const ROUNDS: i64 = 3;

const ROLES: [Role; 4] = [Role::Employee, Role::Manager, Role::Hr, Role::Admin];

fn viewers(round: i64) -> Vec<Viewer> {
    ROLES
        .iter()
        .map(|&role| Viewer {
            employee_id: 100 + round,
            department_id: 7 + round,
            role,
        })
        .collect()
}

fn employee_filters(round: i64) -> Vec<EmployeeFilter> {
    let statuses = [
        None,
        Some(EmploymentStatus::Active),
        Some(EmploymentStatus::OnLeave),
        Some(EmploymentStatus::Terminated),
    ];
    let sorts = [
        EmployeeSort::Name,
        EmployeeSort::HiredAt,
        EmployeeSort::Salary,
    ];
    let orders = [SortOrder::Asc, SortOrder::Desc];
    let mut out = vec![EmployeeFilter::default()];
    for (i, status) in statuses.into_iter().enumerate() {
        for (j, sort) in sorts.into_iter().enumerate() {
            for (k, order) in orders.into_iter().enumerate() {
                let n = i + j + k + round as usize;
                out.push(EmployeeFilter {
                    department_ids: (0..(n % 4) as i64).map(|d| d * 3 + round).collect(),
                    status,
                    title: n.is_multiple_of(2).then(|| format!("Engineer {round}")),
                    manager_id: (n % 3 == 1).then_some(42 + round),
                    hired: match n % 4 {
                        0 => None,
                        1 => Some(DateRange {
                            from: Some(1_600_000_000 + round),
                            to: None,
                        }),
                        2 => Some(DateRange {
                            from: None,
                            to: Some(1_700_000_000),
                        }),
                        _ => Some(DateRange {
                            from: Some(1),
                            to: Some(2 + round),
                        }),
                    },
                    salary: match n % 3 {
                        0 => None,
                        1 => Some(SalaryRange {
                            min: Some(50_000),
                            max: None,
                        }),
                        _ => Some(SalaryRange {
                            min: Some(10 * round),
                            max: Some(200_000),
                        }),
                    },
                    search: match n % 5 {
                        0 => None,
                        1 => Some("ann".to_string()),
                        2 => Some(" 50%_off\\ ".to_string()),
                        3 => Some(String::new()),
                        _ => Some(format!("Zoë{round}")),
                    },
                    sort,
                    order,
                });
            }
        }
    }
    out
}

#[test]
fn list_employees_pages() {
    for round in 0..ROUNDS {
        let r = round as u64;
        for viewer in viewers(round) {
            for filter in employee_filters(round) {
                for (page, per_page) in [(0, 25), (2 + r, 10), (1, 1_000), (5, 0)] {
                    let h = list_employees(&viewer, &filter, page, per_page);
                    assert_same(&h, "list_employees");
                }
            }
        }
    }
    assert_served(&["list_employees"], 1);
}

#[test]
fn count_employees_filters() {
    for round in 0..ROUNDS {
        for viewer in viewers(round) {
            for filter in employee_filters(round) {
                assert_same(&count_employees(&viewer, &filter), "count_employees");
            }
        }
    }
    assert_served(&["count_employees"], 1);
}

#[test]
fn employees_keyset_pages() {
    for round in 0..ROUNDS {
        for department_id in [None, Some(3 + round), Some(-1)] {
            for status in [
                None,
                Some(EmploymentStatus::Active),
                Some(EmploymentStatus::OnLeave),
                Some(EmploymentStatus::Terminated),
            ] {
                for after in [None, Some((1_650_000_000 + round, 9)), Some((0, 0))] {
                    for limit in [0usize, 20, 200, 5_000 + round as usize] {
                        let h = employees_keyset(department_id, status, after, limit);
                        assert_same(&h, "employees_keyset");
                    }
                }
            }
        }
    }
    assert_served(&["employees_keyset"], 1);
}

#[test]
fn search_employees_terms() {
    for round in 0..ROUNDS {
        let r = round as u32;
        for term in ["ann", "  Bob ", "100%", "a_b", "", "back\\slash", "ÉMILE"] {
            for status in [
                EmploymentStatus::Active,
                EmploymentStatus::OnLeave,
                EmploymentStatus::Terminated,
            ] {
                for (page, per_page) in [(0u32, 20u32), (3 + r, 50), (1, 0), (u32::MAX, 2)] {
                    let h = search_employees(term, status, page, per_page);
                    assert_same(&h, "search_employees");
                }
            }
        }
    }
    assert_served(&["search_employees"], 1);
}

#[test]
fn departments_with_headcount_variants() {
    for round in 0..ROUNDS {
        for parent_id in [None, Some(1 + round), Some(0)] {
            for include_inactive in [false, true] {
                for min_headcount in [0u32, 1, 10 + round as u32] {
                    let h =
                        departments_with_headcount(parent_id, &include_inactive, &min_headcount);
                    assert_same(&h, "departments_with_headcount");
                }
            }
        }
    }
    assert_served(&["departments_with_headcount"], 1);
}

fn posting_filters(round: i64) -> Vec<PostingFilter> {
    let all = [
        PostingStatus::Draft,
        PostingStatus::Open,
        PostingStatus::Closed,
        PostingStatus::Filled,
    ];
    let sorts = [
        None,
        Some(PostingSort::Newest),
        Some(PostingSort::ClosingSoon),
        Some(PostingSort::SalaryHigh),
    ];
    let mut out = vec![PostingFilter::default()];
    for n in 0..12usize {
        let n = n + round as usize;
        out.push(PostingFilter {
            statuses: all.iter().cycle().skip(n).take(n % 5).copied().collect(),
            department_id: (n % 2 == 1).then_some(round + 2),
            remote: [None, Some(true), Some(false)][n % 3],
            location: n.is_multiple_of(4).then(|| format!("Berlin {round}")),
            salary: match n % 4 {
                0 => None,
                1 => Some(SalaryRange::default()),
                2 => Some(SalaryRange {
                    min: Some(60_000 + round),
                    max: None,
                }),
                _ => Some(SalaryRange {
                    min: Some(1),
                    max: Some(90_000),
                }),
            },
            posted: match n % 3 {
                0 => None,
                1 => Some(DateRange {
                    from: Some(1_690_000_000),
                    to: Some(1_700_000_000 + round),
                }),
                _ => Some(DateRange {
                    from: None,
                    to: Some(5),
                }),
            },
            sort: sorts[n % 4],
        });
    }
    out
}

#[test]
fn list_job_postings_filters() {
    for round in 0..ROUNDS {
        let r = round as usize;
        for filter in posting_filters(round) {
            for (page, per_page) in [(0usize, 20usize), (1 + r, 10), (4, 500), (0, 0)] {
                assert_same(
                    &list_job_postings(&filter, page, per_page),
                    "list_job_postings",
                );
            }
        }
    }
    assert_served(&["list_job_postings"], 1);
}

#[test]
fn postings_by_view_tabs() {
    for round in 0..ROUNDS {
        for view in [
            PostingView::All,
            PostingView::Open,
            PostingView::Closed,
            PostingView::Drafts,
        ] {
            for department_id in [None, Some(4 + round)] {
                for remote_only in [false, true] {
                    for now_ts in [1_700_000_000 + round, 0] {
                        let h = postings_by_view(view, department_id, remote_only, now_ts);
                        assert_same(&h, "postings_by_view");
                    }
                }
            }
        }
    }
    assert_served(&["postings_by_view"], 1);
}

fn candidate_filters(round: i64) -> Vec<CandidateFilter> {
    let mut out = vec![CandidateFilter::default()];
    for n in 0..15usize {
        let n = n + round as usize;
        out.push(CandidateFilter {
            search: match n % 6 {
                0 => None,
                1 => Some("Smith".to_string()),
                2 => Some("  ".to_string()),
                3 => Some("o'brien_%".to_string()),
                4 => Some(format!("DEV{round}\\")),
                _ => Some(String::new()),
            },
            sources: ["linkedin", "referral", "agency", "careers"]
                .iter()
                .take(n % 5)
                .map(|s| (*s).to_owned())
                .collect(),
            min_experience: [None, Some(0), Some(3 + round as u32)][n % 3],
            created: match n % 3 {
                0 => None,
                1 => Some(DateRange::default()),
                _ => Some(DateRange {
                    from: Some(1_600_000_000),
                    to: Some(1_700_000_000 + round),
                }),
            },
            exclude_ids: (0..(n % 3) as i64).map(|i| i + round).collect(),
        });
    }
    out
}

#[test]
fn search_candidates_filters() {
    for round in 0..ROUNDS {
        for filter in candidate_filters(round) {
            for after in [None, Some((1_690_000_000 + round, 77)), Some((-1, -1))] {
                for limit in [0u32, 25, 100, 1_000 + round as u32] {
                    assert_same(
                        &search_candidates(&filter, after, limit),
                        "search_candidates",
                    );
                }
            }
        }
    }
    assert_served(&["search_candidates"], 1);
}

#[test]
fn candidate_by_email_forms() {
    for round in 0..ROUNDS {
        for email in [
            "Ann@Example.com".to_string(),
            "  bob@corp.io ".to_string(),
            String::new(),
            format!("user{round}@x.org"),
        ] {
            for include_archived in [false, true] {
                let borrowed = candidate_by_email(Cow::Borrowed(email.as_str()), &include_archived);
                assert_same(&borrowed, "candidate_by_email");
                let owned = candidate_by_email(Cow::Owned(email.clone()), &include_archived);
                assert_same(&owned, "candidate_by_email");
            }
        }
    }
    assert_served(&["candidate_by_email"], 1);
}

fn application_filters(round: i64) -> Vec<ApplicationFilter> {
    let stages = [
        None,
        Some(ApplicationStage::Applied),
        Some(ApplicationStage::Screening),
        Some(ApplicationStage::Interview),
        Some(ApplicationStage::Offer),
        Some(ApplicationStage::Hired),
        Some(ApplicationStage::Rejected),
    ];
    let sorts = ["score", "applied_at", "date", "name", "", "id", "SCORE"];
    let orders = ["asc", "desc", "DESC", "Desc", "", "descending"];
    let mut out = vec![ApplicationFilter::default()];
    for (i, stage) in stages.into_iter().enumerate() {
        for (j, sort) in sorts.iter().enumerate() {
            let n = i + j + round as usize;
            out.push(ApplicationFilter {
                posting_id: n.is_multiple_of(2).then_some(10 + round),
                stage,
                min_score: [None, Some(0), Some(70 + round as i32)][n % 3],
                applied: match n % 3 {
                    0 => None,
                    1 => Some(DateRange {
                        from: Some(100),
                        to: None,
                    }),
                    _ => Some(DateRange {
                        from: Some(1),
                        to: Some(1_000 + round),
                    }),
                },
                sort: (*sort).to_owned(),
                order: orders[n % orders.len()].to_string(),
            });
        }
    }
    out
}

#[test]
fn list_applications_sorting() {
    for round in 0..ROUNDS {
        for filter in application_filters(round) {
            for page in [0u64, 1, 7 + round as u64] {
                assert_same(&list_applications(&filter, page), "list_applications");
            }
        }
    }
    assert_served(&["list_applications"], 1);
}

#[test]
fn application_pipeline_views() {
    for round in 0..ROUNDS {
        for view in [StageFilter::All, StageFilter::Active, StageFilter::Closed] {
            for posting_id in [1, 99 + round, -5] {
                assert_same(
                    &application_pipeline(posting_id, &view),
                    "application_pipeline",
                );
            }
        }
    }
    assert_served(&["application_pipeline"], 1);
}

#[test]
fn update_application_stage_every_stage() {
    for round in 0..ROUNDS {
        let reasons = [
            "not a fit".to_string(),
            String::new(),
            format!("salary {round}"),
        ];
        for stage in [
            ApplicationStage::Applied,
            ApplicationStage::Screening,
            ApplicationStage::Interview,
            ApplicationStage::Offer,
            ApplicationStage::Hired,
            ApplicationStage::Rejected,
        ] {
            for score in [None, Some(0), Some(88 + round as i32)] {
                for reason in [
                    None,
                    Some(&reasons[0]),
                    Some(&reasons[1]),
                    Some(&reasons[2]),
                ] {
                    let h =
                        update_application_stage(5 + round, stage, score, reason, 1_700_000_000);
                    assert_same(&h, "update_application_stage");
                }
            }
        }
    }
    assert_served(&["update_application_stage"], 1);
}

#[test]
fn upcoming_interviews_calendar() {
    let kind_sets: [&[&str]; 4] = [
        &[],
        &["phone"],
        &["technical", "onsite"],
        &["phone", "technical", "onsite", "culture"],
    ];
    for round in 0..ROUNDS {
        for viewer in viewers(round) {
            for interviewer_id in [None, Some(12 + round)] {
                for kinds in kind_sets {
                    for days in [0u32, 7, 30 + round as u32] {
                        let h = upcoming_interviews(
                            &viewer,
                            interviewer_id,
                            kinds,
                            1_700_000_000,
                            &days,
                        );
                        assert_same(&h, "upcoming_interviews");
                    }
                }
            }
        }
    }
    assert_served(&["upcoming_interviews"], 1);
}

#[test]
fn add_interview_panel_rows() {
    for round in 0..ROUNDS {
        for len in [1usize, 2, 3, 5, 8] {
            let ids: Vec<i64> = (0..len as i64).map(|i| 1_000 + i * 7 + round).collect();
            assert_same(
                &add_interview_panel(40 + round, &ids),
                "add_interview_panel",
            );
        }
    }
    assert_served(&["add_interview_panel"], 1);
}

fn leave_filters(round: i64) -> Vec<LeaveFilter> {
    let kinds = [
        None,
        Some(LeaveKind::Vacation),
        Some(LeaveKind::Sick),
        Some(LeaveKind::Parental),
        Some(LeaveKind::Unpaid),
    ];
    let statuses = [
        LeaveStatus::Pending,
        LeaveStatus::Approved,
        LeaveStatus::Rejected,
        LeaveStatus::Cancelled,
    ];
    let mut out = vec![LeaveFilter::default()];
    for (i, kind) in kinds.into_iter().enumerate() {
        for (j, status) in statuses.into_iter().enumerate() {
            let n = i + j + round as usize;
            out.push(LeaveFilter {
                employee_ids: (0..(n % 4) as i64).map(|e| e * 11 + round).collect(),
                kind,
                status,
                period: match n % 4 {
                    0 => None,
                    1 => Some(DateRange::default()),
                    2 => Some(DateRange {
                        from: Some(1_700_000_000 + round),
                        to: None,
                    }),
                    _ => Some(DateRange {
                        from: Some(10),
                        to: Some(20),
                    }),
                },
            });
        }
    }
    out
}

#[test]
fn list_leave_requests_inbox() {
    for round in 0..ROUNDS {
        for viewer in viewers(round) {
            for filter in leave_filters(round) {
                for (page, per_page) in
                    [(0u64, None), (2, Some(10)), (1, Some(1_000 + round as u64))]
                {
                    let h = list_leave_requests(&viewer, &filter, page, per_page);
                    assert_same(&h, "list_leave_requests");
                }
            }
        }
    }
    assert_served(&["list_leave_requests"], 1);
}

#[test]
fn leave_days_used_balance() {
    for round in 0..ROUNDS {
        for year in [2023u32, 2024, 2025 + round as u32] {
            for kind in [
                None,
                Some(LeaveKind::Vacation),
                Some(LeaveKind::Sick),
                Some(LeaveKind::Parental),
                Some(LeaveKind::Unpaid),
            ] {
                for include_pending in [false, true] {
                    let h = leave_days_used(300 + round, &year, kind, include_pending);
                    assert_same(&h, "leave_days_used");
                }
            }
        }
    }
    assert_served(&["leave_days_used"], 1);
}

#[test]
fn decide_leave_updates() {
    for round in 0..ROUNDS {
        for approve in [true, false] {
            for note in [
                None,
                Some("ok".to_string()),
                Some("  enjoy  ".to_string()),
                Some(String::new()),
                Some(format!("note {round}")),
            ] {
                let h = decide_leave(60 + round, 8, &approve, &note, 1_700_000_000 + round);
                assert_same(&h, "decide_leave");
            }
        }
    }
    assert_served(&["decide_leave"], 1);
}

#[test]
fn delete_leave_requests_variants() {
    for round in 0..ROUNDS {
        for len in [0usize, 1, 2, 4, 9] {
            let ids: Vec<i64> = (0..len as i64).map(|i| i * 3 + round).collect();
            for only_pending in [true, false] {
                let h = delete_leave_requests(17 + round, &ids, &only_pending);
                assert_same(&h, "delete_leave_requests");
            }
        }
    }
    assert_served(&["delete_leave_requests"], 1);
}

#[test]
fn upsert_payroll_run_statuses() {
    for round in 0..ROUNDS {
        for status in [
            PayrollStatus::Draft,
            PayrollStatus::Processing,
            PayrollStatus::Paid,
            PayrollStatus::Failed,
        ] {
            for net in [None, Some(0), Some(123_456 + round)] {
                for gross in [0i64, 1_000_000 + round] {
                    let h = upsert_payroll_run(
                        3 + round,
                        1_700_000_000,
                        1_702_592_000,
                        status,
                        gross,
                        net,
                    );
                    assert_same(&h, "upsert_payroll_run");
                }
            }
        }
    }
    assert_served(&["upsert_payroll_run"], 1);
}

#[test]
fn payroll_runs_history() {
    let status_sets: [&[&str]; 3] = [&[], &["paid"], &["draft", "processing", "failed"]];
    for round in 0..ROUNDS {
        for viewer in viewers(round) {
            for statuses in status_sets {
                for period in [
                    None,
                    Some(DateRange::default()),
                    Some(DateRange {
                        from: Some(1_600_000_000 + round),
                        to: Some(1_700_000_000),
                    }),
                ] {
                    for order in ["asc", "desc", "DESC", ""] {
                        for limit in [None, Some(0), Some(24), Some(10_000 + round as u64)] {
                            let h = payroll_runs(&viewer, statuses, period.clone(), order, limit);
                            assert_same(&h, "payroll_runs");
                        }
                    }
                }
            }
        }
    }
    assert_served(&["payroll_runs"], 1);
}

#[test]
fn employees_by_emails_lookup() {
    let email_sets: [&[&str]; 4] = [
        &[],
        &["A@x.com"],
        &["a@x.com", "B@Y.org"],
        &["1", "2", "3", "4", "5"],
    ];
    for round in 0..ROUNDS {
        let departments = ["Engineering".to_string(), format!("Dept {round}")];
        for emails in email_sets {
            for department in [None, Some(&departments[0]), Some(&departments[1])] {
                for title_prefix in [None, Some("Senior".to_string()), Some("50%_".to_string())] {
                    for managers_only in [false, true] {
                        let h =
                            employees_by_emails(emails, department, &title_prefix, &managers_only);
                        assert_same(&h, "employees_by_emails");
                    }
                }
            }
        }
    }
    assert_served(&["employees_by_emails"], 1);
}
