-- The benchmark baseline: the headline marts computed by hand in plain DuckDB SQL, no dbt.
--
-- Reads only the raw schemas as `warehouse load` lands them (raw_helpdesk, raw_billing, and
-- raw_product.daily_usage for the success evaluation time) plus the ISO currency list
-- (seeds/currencies.csv, path in variable `currencies_csv`), and writes three tables into
-- schema `baseline`:
--   baseline.first_response   one row per in-scope ticket: first response business minutes
--   baseline.sla_events       one row per ticket × SLA metric × instance: status, breach_at
--   baseline.mrr_monthly      one row per customer × month: MRR (USD, cents) and movement
--
-- It is a second, independent implementation of shared/spec/metrics.md and the decision log
-- (docs/decisionlog/*.md): the benchmark checks that it equals marts.fct_tickets,
-- marts.fct_sla_events and marts.fct_mrr_monthly row for row. It keeps only what those three
-- outputs need, and computes it in as few passes as DuckDB allows: one dedupe pass per raw
-- table (for the big ones a hash aggregate finds the keys landed twice and only those are
-- ranked), one calendar, one as-of lookup per instant.
--
-- Settings the dbt project takes from vars are DuckDB variables here (defaults of
-- dbt_project.yml); the runner may SET them before running this file.

set TimeZone = 'UTC';
-- Keep as-of joins as the ASOF operator even when the planner underestimates the left side.
set asof_loop_join_threshold = 0;
set variable default_schedule_id = coalesce(getvariable('default_schedule_id'), 'default');
set variable calendar_days_after_as_of = coalesce(getvariable('calendar_days_after_as_of'), 400);
set variable reporting_currency = coalesce(getvariable('reporting_currency'), 'USD');

create schema if not exists baseline;

-- ---------------------------------------------------------------- helpdesk enum spellings
-- Same spelling variants as seeds/helpdesk_enum_synonyms.csv (decision log: only spellings,
-- never a guess at meaning).
create or replace temp table enum_map as
select * from (values
    ('channel', 'email', 'email'), ('channel', 'e-mail', 'email'), ('channel', 'web', 'web'),
    ('channel', 'chat', 'chat'), ('channel', 'phone', 'phone'), ('channel', 'api', 'api'),
    ('priority', 'low', 'low'), ('priority', 'normal', 'normal'), ('priority', 'high', 'high'),
    ('priority', 'urgent', 'urgent'),
    ('ticket_type', 'question', 'question'), ('ticket_type', 'incident', 'incident'),
    ('ticket_type', 'problem', 'problem'), ('ticket_type', 'task', 'task'),
    ('status', 'new', 'new'), ('status', 'open', 'open'), ('status', 'pending', 'pending'),
    ('status', 'on_hold', 'on_hold'), ('status', 'on-hold', 'on_hold'),
    ('status', 'on hold', 'on_hold'), ('status', 'onhold', 'on_hold'),
    ('status', 'solved', 'solved'), ('status', 'closed', 'closed'),
    ('via', 'web', 'web'), ('via', 'email', 'email'), ('via', 'chat', 'chat'),
    ('via', 'phone', 'phone'), ('via', 'api', 'api'), ('via', 'automation', 'automation'),
    ('role', 'end_user', 'end_user'), ('role', 'end-user', 'end_user'),
    ('role', 'enduser', 'end_user'), ('role', 'agent', 'agent'), ('role', 'admin', 'admin'),
    ('field_name', 'status', 'status'), ('field_name', 'priority', 'priority'),
    ('field_name', 'assignee_id', 'assignee_id'), ('field_name', 'group_name', 'group_name'),
    ('field_name', 'sla_policy', 'sla_policy'),
    ('metric', 'first_response', 'first_response'), ('metric', 'next_response', 'next_response'),
    ('metric', 'resolution', 'resolution'), ('metric', 'agent_work', 'agent_work'),
    ('metric', 'periodic_update', 'periodic_update'),
    ('metric', 'pausable_update', 'pausable_update'),
    ('survey_type', 'csat', 'csat'), ('survey_type', 'ces', 'ces'), ('survey_type', 'nps', 'nps')
) as m(enum_name, raw_value, canonical_value);

create or replace macro canon(enum, raw) as (
    select canonical_value from enum_map
    where enum_name = enum and raw_value = lower(trim(raw))
);

-- Fingerprint of a row's values for the helpdesk tie-break: two landings of one key at the
-- same _loaded_at that disagree keep the one whose fingerprint sorts first (decision log,
-- "Newest landing wins, then validate").
-- ---------------------------------------------------------------- helpdesk: small tables
create or replace temp table hd_users as
with typed as (
    select
        u.user_id,
        canon('role', u.role) as role,
        u.account_id,
        md5(lower(trim(u.email))) as email_hash,
        nullif(trim(u.default_group), '') as default_group,
        u.created_at,
        u.is_active,
        u.role as role_raw,
        u._loaded_at
    from raw_helpdesk.users as u
)
select user_id, role
from typed
where user_id is not null
qualify row_number() over (
    partition by user_id
    order by _loaded_at desc nulls last,
        md5(concat_ws('|', user_id, coalesce(role, '<null>'), coalesce(account_id, '<null>'),
            coalesce(email_hash, '<null>'), coalesce(default_group, '<null>'),
            coalesce(cast(created_at as varchar), '<null>'),
            coalesce(cast(is_active as varchar), '<null>')))
) = 1
    and role_raw is not null and role is not null;

create or replace temp table hd_groups as
with typed as (
    select nullif(trim(group_name), '') as group_name, cast(tier as integer) as tier,
        schedule_id, _loaded_at
    from raw_helpdesk.groups
)
select group_name, schedule_id
from typed
where group_name is not null
qualify row_number() over (
    partition by group_name
    order by _loaded_at desc nulls last,
        md5(concat_ws('|', group_name, coalesce(cast(tier as varchar), '<null>'),
            coalesce(schedule_id, '<null>')))
) = 1;

create or replace temp table hd_schedules as
with typed as (
    select
        schedule_id,
        trim(timezone) as timezone,
        cast(day_of_week as integer) as day_of_week,
        trim(start_time) as start_time,
        trim(end_time) as end_time,
        valid_from,
        valid_to,
        _loaded_at
    from raw_helpdesk.schedules
),
parsed as (
    select
        typed.*,
        case when regexp_matches(start_time, '^[0-9]{1,2}:[0-9]{2}$')
            then cast(split_part(start_time, ':', 1) as integer) * 60
                + cast(split_part(start_time, ':', 2) as integer) end as start_minute,
        case when regexp_matches(end_time, '^[0-9]{1,2}:[0-9]{2}$')
            then cast(split_part(end_time, ':', 1) as integer) * 60
                + cast(split_part(end_time, ':', 2) as integer) end as end_minute,
        try_cast(split_part(start_time, ':', 2) as integer) as start_mm,
        try_cast(split_part(end_time, ':', 2) as integer) as end_mm
    from typed
),
newest as (
    select parsed.*
    from parsed
    where schedule_id is not null and valid_from is not null and day_of_week is not null
        and start_time is not null
    qualify row_number() over (
        partition by schedule_id, valid_from, day_of_week, start_time
        order by _loaded_at desc nulls last,
            md5(concat_ws('|', schedule_id, cast(valid_from as varchar),
                cast(day_of_week as varchar), start_time, coalesce(timezone, '<null>'),
                coalesce(end_time, '<null>'), coalesce(cast(valid_to as varchar), '<null>'),
                coalesce(cast(start_minute as varchar), '<null>'),
                coalesce(cast(end_minute as varchar), '<null>')))
    ) = 1
)
select schedule_id, timezone, day_of_week, start_minute, end_minute, valid_from, valid_to
from newest
where timezone is not null and end_time is not null
    and timezone in (select name from pg_timezone_names())
    and day_of_week between 1 and 7
    and start_minute is not null and end_minute is not null
    and start_mm <= 59 and end_mm <= 59 and start_minute < 1440 and end_minute <= 1440
    and end_minute > start_minute
    and not coalesce(valid_to <= valid_from, false);

create or replace temp table hd_holidays as
select distinct h.schedule_id, h.holiday_date
from raw_helpdesk.schedule_holidays as h
where h.schedule_id in (select schedule_id from hd_schedules)
    and h.holiday_date is not null;

create or replace temp table hd_policies as
with typed as (
    select
        policy_id,
        nullif(trim(policy_name), '') as policy_name,
        canon('priority', priority) as priority,
        canon('metric', metric) as metric,
        cast(target_minutes as bigint) as target_minutes,
        cast(in_business_hours as boolean) as in_business_hours,
        valid_from,
        valid_to,
        priority as priority_raw,
        metric as metric_raw,
        _loaded_at
    from raw_helpdesk.sla_policies
)
select policy_id, policy_name, priority, metric, target_minutes, in_business_hours, valid_from,
    valid_to
from typed
where policy_id is not null and priority_raw is not null and metric_raw is not null
    and valid_from is not null
qualify row_number() over (
    partition by policy_id, priority_raw, metric_raw, valid_from
    order by _loaded_at desc nulls last,
        md5(concat_ws('|', policy_id, priority_raw, metric_raw, cast(valid_from as varchar),
            coalesce(policy_name, '<null>'), coalesce(priority, '<null>'), coalesce(metric, '<null>'),
            coalesce(cast(target_minutes as varchar), '<null>'),
            coalesce(cast(in_business_hours as varchar), '<null>'),
            coalesce(cast(valid_to as varchar), '<null>')))
) = 1
    and target_minutes is not null and in_business_hours is not null
    and priority is not null and metric is not null
    and target_minutes > 0
    and not coalesce(valid_to <= valid_from, false);

-- ---------------------------------------------------------------- helpdesk: tickets
create or replace temp table hd_tickets as
with typed as (
    select
        t.ticket_id,
        t.account_id,
        t.requester_id,
        t.assignee_id,
        nullif(trim(t.group_name), '') as group_name,
        case when t.channel is null then 'unknown' else canon('channel', t.channel) end as channel,
        case when t.priority is null then 'unknown' else canon('priority', t.priority) end
            as priority,
        case when t.ticket_type is null then 'unknown' else canon('ticket_type', t.ticket_type) end
            as ticket_type,
        canon('status', t.status) as status,
        t.status as status_raw,
        t.created_at,
        t.updated_at,
        coalesce(t.is_deleted, false) as is_deleted,
        t.merged_into_ticket_id,
        t._loaded_at
    from raw_helpdesk.tickets as t
)
select ticket_id, requester_id, group_name, priority, status, created_at, updated_at,
    is_deleted, merged_into_ticket_id
from typed
where ticket_id is not null
qualify row_number() over (
    partition by ticket_id
    order by _loaded_at desc nulls last,
        md5(concat_ws('|', ticket_id, coalesce(account_id, '<null>'),
            coalesce(requester_id, '<null>'), coalesce(assignee_id, '<null>'),
            coalesce(group_name, '<null>'), coalesce(channel, '<null>'),
            coalesce(priority, '<null>'), coalesce(ticket_type, '<null>'),
            coalesce(status, '<null>'), coalesce(cast(created_at as varchar), '<null>'),
            coalesce(cast(updated_at as varchar), '<null>'), cast(is_deleted as varchar),
            coalesce(merged_into_ticket_id, '<null>')))
) = 1
    and created_at is not null and status_raw is not null
    and channel is not null and priority is not null and ticket_type is not null
    and status is not null
    and not coalesce(created_at > _loaded_at, false);

-- ---------------------------------------------------------------- helpdesk: big tables
-- Comments and field changes: only keys landed more than once are ranked.
create or replace temp table hd_comments as
with landed as (
    select
        comment_id, ticket_id, author_id, cast(is_public as boolean) as is_public,
        canon('via', via) as via, via as via_raw, created_at, _loaded_at
    from raw_helpdesk.ticket_comments
),
twice as (
    select comment_id from landed where comment_id is not null
    group by comment_id having count(*) > 1
),
newest as (
    select * from landed
    where comment_id is not null and comment_id not in (select comment_id from twice)
    union all
    select * from landed
    where comment_id in (select comment_id from twice)
    qualify row_number() over (
        partition by comment_id
        order by _loaded_at desc nulls last,
            md5(concat_ws('|', comment_id, coalesce(ticket_id, '<null>'),
                coalesce(author_id, '<null>'), coalesce(cast(is_public as varchar), '<null>'),
                coalesce(via, '<null>'), coalesce(cast(created_at as varchar), '<null>')))
    ) = 1
)
select n.comment_id, n.ticket_id, n.author_id, n.is_public, n.via, n.created_at, u.role
from newest as n
inner join hd_tickets as t on t.ticket_id = n.ticket_id
inner join hd_users as u on u.user_id = n.author_id
where n.created_at is not null and n.is_public is not null and n.via_raw is not null
    and n.via is not null
    and n.created_at >= t.created_at
    and not coalesce(n.created_at > n._loaded_at, false);

create or replace temp table hd_history as
with landed as (
    select
        h.ticket_id,
        canon('field_name', h.field_name) as field_name,
        h.field_name as field_name_raw,
        h.value as value_raw,
        h.updated_at,
        h.updater_id,
        h._loaded_at
    from raw_helpdesk.ticket_field_history as h
),
valued as (
    select
        landed.*,
        case field_name
            when 'status' then canon('status', value_raw)
            when 'priority' then canon('priority', value_raw)
            else nullif(trim(value_raw), '')
        end as value
    from landed
),
twice as (
    select ticket_id, field_name_raw, updated_at from valued
    where ticket_id is not null and field_name_raw is not null and updated_at is not null
    group by all having count(*) > 1
),
newest as (
    select v.* from valued as v
    anti join twice as d
        on d.ticket_id = v.ticket_id and d.field_name_raw = v.field_name_raw
        and d.updated_at = v.updated_at
    where v.ticket_id is not null and v.field_name_raw is not null and v.updated_at is not null
    union all
    select v.* from valued as v
    semi join twice as d
        on d.ticket_id = v.ticket_id and d.field_name_raw = v.field_name_raw
        and d.updated_at = v.updated_at
    qualify row_number() over (
        partition by v.ticket_id, v.field_name_raw, v.updated_at
        order by v._loaded_at desc nulls last,
            md5(concat_ws('|', v.ticket_id, v.field_name_raw, cast(v.updated_at as varchar),
                coalesce(v.field_name, '<null>'), coalesce(v.value, '<null>'),
                coalesce(v.updater_id, '<null>')))
    ) = 1
)
select n.ticket_id, n.field_name, n.value, n.updated_at
from newest as n
inner join hd_tickets as t on t.ticket_id = n.ticket_id
where n.field_name is not null
    and not (n.field_name in ('status', 'priority') and n.value is null)
    and n.updated_at >= t.created_at
    and not coalesce(n.updated_at > n._loaded_at, false)
    and n.field_name in ('status', 'priority', 'group_name', 'sla_policy');

create or replace temp table hd_response_times as
with typed as (
    select
        response_id, canon('survey_type', survey_type) as survey_type,
        survey_type as survey_type_raw, ticket_id, cast(score as integer) as score,
        responded_at, _loaded_at, account_id, user_id
    from raw_helpdesk.satisfaction_responses
)
select r.responded_at
from typed as r
left join hd_tickets as t on t.ticket_id = r.ticket_id
where r.response_id is not null
qualify row_number() over (
    partition by r.response_id
    order by r._loaded_at desc nulls last,
        md5(concat_ws('|', r.response_id, coalesce(r.survey_type, '<null>'),
            coalesce(r.ticket_id, '<null>'), coalesce(r.account_id, '<null>'),
            coalesce(r.user_id, '<null>'), coalesce(cast(r.score as varchar), '<null>'),
            coalesce(cast(r.responded_at as varchar), '<null>')))
) = 1
    and r.score is not null and r.responded_at is not null and r.survey_type_raw is not null
    and r.survey_type is not null
    and not coalesce(
        (r.survey_type = 'csat' and r.score not between 1 and 5)
        or (r.survey_type = 'ces' and r.score not between 1 and 7)
        or (r.survey_type = 'nps' and r.score not between 0 and 10), false)
    and not (r.survey_type in ('csat', 'ces') and r.ticket_id is null)
    and not (r.ticket_id is not null and t.ticket_id is null)
    and not coalesce(r.ticket_id is not null and r.responded_at < t.created_at, false)
    and not coalesce(r.responded_at > r._loaded_at, false);

-- ================================================================= recurring revenue
-- Billing dedupe: the newest landing wins; copies landed at that same newest instant that
-- disagree quarantine the key (decision log, success, "Re-syncs").
create or replace macro clean_id(x) as case when trim(cast(x as varchar)) = '' then null
    else cast(x as varchar) end;
create or replace macro clean_ccy(x) as nullif(upper(trim(cast(x as varchar))), '');

-- fp(...) fingerprints the values that must agree between copies landed at the same instant.
create or replace macro fp(a, b := null, c := null, d := null, e := null, f := null, g := null,
        h := null, i := null, j := null, k := null, l := null, m := null, n := null) as
    md5(concat_ws('|', coalesce(cast(a as varchar), '~'), coalesce(cast(b as varchar), '~'),
        coalesce(cast(c as varchar), '~'), coalesce(cast(d as varchar), '~'),
        coalesce(cast(e as varchar), '~'), coalesce(cast(f as varchar), '~'),
        coalesce(cast(g as varchar), '~'), coalesce(cast(h as varchar), '~'),
        coalesce(cast(i as varchar), '~'), coalesce(cast(j as varchar), '~'),
        coalesce(cast(k as varchar), '~'), coalesce(cast(l as varchar), '~'),
        coalesce(cast(m as varchar), '~'), coalesce(cast(n as varchar), '~')));

create or replace temp table iso_currencies as
select currency_code from read_csv(getvariable('currencies_csv'), header = true,
    columns = {'currency_code': 'VARCHAR', 'currency_name': 'VARCHAR', 'minor_units': 'INTEGER'});

create or replace temp table bl_customers as
with landed as (
    select clean_id(customer_id) as customer_id, clean_ccy(billing_currency) as billing_currency,
        _loaded_at,
        fp(case
                when coalesce(nullif(lower(trim(segment)), ''), 'unknown')
                    in ('smb', 'mid_market', 'enterprise') then lower(trim(segment))
                when lower(trim(segment)) in ('mid-market', 'mid market', 'midmarket', 'mm')
                    then 'mid_market'
                when lower(trim(segment)) = 'ent' then 'enterprise'
                else 'unknown' end,
            nullif(upper(trim(country)), ''), clean_ccy(billing_currency), created_at,
            nullif(trim(csm_owner), ''), coalesce(is_deleted, false)) as fp
    from raw_billing.customers
)
select customer_id, billing_currency from landed
where customer_id is not null
qualify row_number() over (partition by customer_id order by _loaded_at desc nulls last) = 1
    and min(fp) over (partition by customer_id, _loaded_at)
        = max(fp) over (partition by customer_id, _loaded_at);

create or replace temp table bl_rates as
with landed as (
    select rate_date, clean_ccy(currency) as currency, usd_per_unit, _loaded_at,
        fp(usd_per_unit) as fp
    from raw_billing.exchange_rates
)
select rate_date, currency, usd_per_unit from landed
where rate_date is not null and currency is not null
qualify row_number() over (partition by rate_date, currency order by _loaded_at desc nulls last) = 1
    and min(fp) over (partition by rate_date, currency, _loaded_at)
        = max(fp) over (partition by rate_date, currency, _loaded_at)
    and currency in (select currency_code from iso_currencies)
    and usd_per_unit is not null and usd_per_unit > 0 and not isnan(usd_per_unit);

create or replace temp table bl_subscriptions as
with landed as (
    select
        clean_id(subscription_id) as subscription_id,
        clean_id(customer_id) as customer_id,
        case lower(trim(status)) when 'cancelled' then 'canceled' when 'past due' then 'past_due'
            when 'pastdue' then 'past_due' else lower(trim(status)) end as status,
        clean_ccy(currency) as currency,
        created_at, trial_start, trial_end, started_at, cancel_requested_at, ended_at, _loaded_at
    from raw_billing.subscriptions
),
newest as (
    select * from landed
    where subscription_id is not null
    qualify row_number() over (partition by subscription_id order by _loaded_at desc nulls last) = 1
        and min(fp(customer_id, status, currency, created_at, trial_start, trial_end, started_at,
                cancel_requested_at, ended_at)) over (partition by subscription_id, _loaded_at)
            = max(fp(customer_id, status, currency, created_at, trial_start, trial_end, started_at,
                cancel_requested_at, ended_at)) over (partition by subscription_id, _loaded_at)
)
select
    n.subscription_id, n.customer_id, n.status,
    coalesce(n.currency, c.billing_currency) as currency,
    n.created_at, n.trial_start, n.trial_end, n.started_at, n.cancel_requested_at, n.ended_at,
    n._loaded_at
from newest as n
join bl_customers as c on c.customer_id = n.customer_id
where n.status in ('trialing', 'active', 'past_due', 'paused', 'canceled')
    and coalesce(n.currency, c.billing_currency) in (select currency_code from iso_currencies)
    and (coalesce(n.currency, c.billing_currency) = 'USD'
        or coalesce(n.currency, c.billing_currency) in (select currency from bl_rates))
    and not coalesce(n.ended_at < n.created_at, false);

create or replace temp table bl_plans as
with landed as (
    select
        clean_id(plan_id) as plan_id,
        case
            when lower(trim(billing_interval)) in ('month', 'monthly', 'months') then 'month'
            when lower(trim(billing_interval)) in ('year', 'yearly', 'years', 'annual', 'annually')
                then 'year'
        end as billing_interval,
        cast(interval_count as bigint) as interval_count,
        fp(cast(list_price as decimal(18, 4)), clean_ccy(currency),
            nullif(trim(product_family), ''), plan_name) as rest_fp,
        _loaded_at
    from raw_billing.plans
)
select plan_id,
    case billing_interval when 'month' then interval_count else 12 * interval_count end as cycle_months
from landed
where plan_id is not null
qualify row_number() over (partition by plan_id order by _loaded_at desc nulls last) = 1
    and min(fp(billing_interval, interval_count, rest_fp)) over (partition by plan_id, _loaded_at)
        = max(fp(billing_interval, interval_count, rest_fp)) over (partition by plan_id, _loaded_at)
    and billing_interval is not null and interval_count > 0;

create or replace temp table bl_items as
with landed as (
    select
        clean_id(subscription_item_id) as item_id,
        clean_id(subscription_id) as subscription_id,
        clean_id(plan_id) as plan_id,
        cast(quantity as bigint) as quantity,
        cast(unit_amount as decimal(18, 4)) as unit_amount,
        cast(coalesce(discount_percent, 0) as decimal(9, 4)) as discount_percent,
        valid_from, valid_to, _loaded_at
    from raw_billing.subscription_items
)
select l.*
from landed as l
where item_id is not null
    and subscription_id in (select subscription_id from bl_subscriptions)
    and plan_id in (select plan_id from bl_plans)
qualify row_number() over (partition by item_id order by _loaded_at desc nulls last) = 1
    and min(fp(subscription_id, plan_id, quantity, unit_amount, discount_percent, valid_from,
            valid_to)) over (partition by item_id, _loaded_at)
        = max(fp(subscription_id, plan_id, quantity, unit_amount, discount_percent, valid_from,
            valid_to)) over (partition by item_id, _loaded_at)
    and quantity >= 0 and unit_amount >= 0 and discount_percent between 0 and 100
    and valid_from is not null and not coalesce(valid_to < valid_from, false);

-- Invoice and usage events count only for the evaluation instant.
create or replace temp table bl_invoice_events as
with landed as (
    select
        clean_id(invoice_id) as invoice_id, clean_id(customer_id) as customer_id,
        clean_ccy(currency) as currency, lower(trim(status)) as status, issued_at, paid_at,
        cast(total as decimal(18, 4)) as total, _loaded_at,
        fp(clean_id(customer_id), clean_id(subscription_id), clean_ccy(currency),
            lower(trim(status)), issued_at, due_at, paid_at, period_start, period_end,
            cast(subtotal as decimal(18, 4)), cast(discount_amount as decimal(18, 4)),
            cast(tax_amount as decimal(18, 4)), cast(total as decimal(18, 4)),
            cast(amount_paid as decimal(18, 4))) as fp
    from raw_billing.invoices
)
select greatest(coalesce(issued_at, timestamp '1900-01-01'), coalesce(paid_at, timestamp '1900-01-01'))
        as event_at,
    _loaded_at
from landed
where invoice_id is not null
    and customer_id in (select customer_id from bl_customers)
    and currency in (select currency_code from iso_currencies)
    and status in ('draft', 'open', 'paid', 'void', 'uncollectible')
    and total is not null
qualify row_number() over (partition by invoice_id order by _loaded_at desc nulls last) = 1
    and min(fp) over (partition by invoice_id, _loaded_at)
        = max(fp) over (partition by invoice_id, _loaded_at);

create or replace temp table bl_usage_events as
with landed as (
    select clean_id(account_id) as account_id, usage_date,
        cast(coalesce(active_users, 0) as bigint) as active_users,
        cast(coalesce(sessions, 0) as bigint) as sessions,
        cast(coalesce(key_actions, 0) as bigint) as key_actions,
        _loaded_at
    from raw_product.daily_usage
),
twice as (
    select account_id, usage_date from landed
    where account_id is not null and usage_date is not null
    group by all having count(*) > 1
),
newest as (
    select l.* from landed as l
    anti join twice as d on d.account_id = l.account_id and d.usage_date = l.usage_date
    where l.account_id is not null and l.usage_date is not null
    union all
    select l.* from landed as l
    semi join twice as d on d.account_id = l.account_id and d.usage_date = l.usage_date
    qualify row_number() over (
            partition by l.account_id, l.usage_date order by l._loaded_at desc nulls last) = 1
        and min(fp(l.active_users, l.sessions, l.key_actions))
            over (partition by l.account_id, l.usage_date, l._loaded_at)
        = max(fp(l.active_users, l.sessions, l.key_actions))
            over (partition by l.account_id, l.usage_date, l._loaded_at)
)
select n.usage_date, n._loaded_at
from newest as n
where n.account_id in (select customer_id from bl_customers)
    and n.active_users >= 0 and n.sessions >= 0 and n.key_actions >= 0
    and n.usage_date <= cast((select max(_loaded_at) from landed) as date);

-- ---------------------------------------------------------------- evaluation time
-- One evaluation instant for everything (metrics.md, "One evaluation instant"): the newest
-- event in the helpdesk, billing and product data together, ignoring an event dated after its
-- own row's _loaded_at (the helpdesk tables above already drop those rows) or after the wall
-- clock plus 24 hours (var future_tolerance_hours).
set variable future_limit = cast(now() as timestamp) + to_hours(24);
create or replace temp table evaluation as
select max(ts) as as_of from (
    select max(created_at) filter (where created_at <= getvariable('future_limit')) as ts
    from hd_tickets
    union all
    select max(created_at) filter (where created_at <= getvariable('future_limit'))
    from hd_comments
    union all
    select max(updated_at) filter (where updated_at <= getvariable('future_limit'))
    from hd_history
    union all
    select max(responded_at) filter (where responded_at <= getvariable('future_limit'))
    from hd_response_times
    union all
    select max(e) filter (where e <= _loaded_at and e <= getvariable('future_limit')) from (
        select greatest(coalesce(created_at, timestamp '1900-01-01'),
            coalesce(trial_start, timestamp '1900-01-01'),
            coalesce(started_at, timestamp '1900-01-01'),
            coalesce(cancel_requested_at, timestamp '1900-01-01'),
            coalesce(ended_at, timestamp '1900-01-01')) as e, _loaded_at
        from bl_subscriptions)
    union all
    select max(e) filter (where e <= _loaded_at and e <= getvariable('future_limit')) from (
        select greatest(valid_from, coalesce(valid_to, valid_from)) as e, _loaded_at
        from bl_items)
    union all
    select max(event_at)
        filter (where event_at <= _loaded_at and event_at <= getvariable('future_limit'))
    from bl_invoice_events
    union all
    select max(cast(usage_date as timestamp)) filter (where
        cast(usage_date as timestamp) <= _loaded_at
        and cast(usage_date as timestamp) <= getvariable('future_limit'))
    from bl_usage_events
)
where ts > timestamp '1900-01-01';

-- ---------------------------------------------------------------- business calendar
-- One row per schedule × merged working interval in UTC with the business seconds before it.
create or replace temp table calendar as
with days as (
    select cast(d as date) as local_date
    from generate_series(
        cast(cast((select min(created_at) from hd_tickets) - interval 7 day as date) as timestamp),
        cast(cast((select as_of from evaluation)
            + to_days(cast(getvariable('calendar_days_after_as_of') as integer)) as date)
            as timestamp),
        interval 1 day) as s(d)
),
versions as (
    select distinct schedule_id, valid_from, valid_to, timezone from hd_schedules
),
in_force as (
    select v.schedule_id, d.local_date, v.valid_from, v.timezone
    from versions as v
    join days as d
        on d.local_date >= v.valid_from
        and d.local_date < coalesce(v.valid_to, date '9999-12-31')
    qualify row_number() over (
        partition by v.schedule_id, d.local_date order by v.valid_from desc, v.timezone) = 1
),
local_intervals as (
    select
        f.schedule_id,
        f.timezone,
        f.local_date + to_minutes(s.start_minute) as local_start,
        f.local_date + to_minutes(s.end_minute) as local_end
    from in_force as f
    join hd_schedules as s
        on s.schedule_id = f.schedule_id
        and s.valid_from = f.valid_from
        and s.day_of_week = isodow(f.local_date)
    anti join hd_holidays as h
        on h.schedule_id = f.schedule_id and h.holiday_date = f.local_date
),
utc as (
    select
        schedule_id,
        cast(timezone('UTC', timezone(timezone, local_start)) as timestamp) as start_at,
        cast(timezone('UTC', timezone(timezone, local_end)) as timestamp) as end_at
    from local_intervals
),
flagged as (
    select
        utc.*,
        coalesce(start_at > max(end_at) over (
            partition by schedule_id order by start_at, end_at
            rows between unbounded preceding and 1 preceding), true) as opens_island
    from utc
    where end_at > start_at
),
merged as (
    select schedule_id, min(start_at) as start_at, max(end_at) as end_at
    from (
        select flagged.*, sum(cast(opens_island as integer)) over (
            partition by schedule_id order by start_at, end_at
            rows unbounded preceding) as island
        from flagged
    )
    group by schedule_id, island
)
select
    schedule_id,
    start_at,
    cast(date_diff('second', start_at, end_at) as bigint) as seconds,
    cast(coalesce(sum(date_diff('second', start_at, end_at)) over (
        partition by schedule_id order by start_at
        rows between unbounded preceding and 1 preceding), 0) as bigint) as seconds_before
from merged;

-- cum(schedule, t): business seconds of the schedule before instant t (0 before its first
-- interval, NULL without a schedule), from a calendar row found by an as-of join.
create or replace macro cum_at(cal_start, cal_seconds, cal_before, t) as
    case when t is not null then
        coalesce(cal_before + least(greatest(date_diff('second', cal_start, t), 0), cal_seconds), 0)
    end;

-- ---------------------------------------------------------------- in-scope tickets
create or replace temp table tickets as
with scoped as (
    select t.*
    from hd_tickets as t
    where not t.is_deleted and t.merged_into_ticket_id is null
        and t.created_at <= (select as_of from evaluation)
),
group_history as (
    select
        ticket_id,
        count(*) as changes,
        arg_min(value, updated_at) filter (where value is not null) as first_group
    from hd_history
    where field_name = 'group_name' and updated_at <= (select as_of from evaluation)
    group by ticket_id
),
known_schedules as (select distinct schedule_id from hd_schedules)
select
    s.ticket_id,
    s.created_at,
    s.updated_at,
    s.priority as row_priority,
    s.status as row_status,
    coalesce(requester.role = 'end_user', false) as by_end_user,
    coalesce(
        group_schedule.schedule_id,
        (select schedule_id from known_schedules
         where schedule_id = getvariable('default_schedule_id'))) as schedule_id
from scoped as s
left join group_history as gh on gh.ticket_id = s.ticket_id
left join hd_users as requester on requester.user_id = s.requester_id
left join hd_groups as g
    on g.group_name = case when gh.ticket_id is null then s.group_name else gh.first_group end
left join known_schedules as group_schedule on group_schedule.schedule_id = g.schedule_id;

-- comments of in-scope tickets up to the evaluation time, as replies or end-user comments
create or replace temp table ticket_comments as
select
    c.ticket_id, c.comment_id, c.created_at,
    c.role in ('agent', 'admin') and c.via <> 'automation' as is_reply
from hd_comments as c
semi join tickets as t on t.ticket_id = c.ticket_id
where c.is_public and c.role in ('agent', 'admin', 'end_user')
    and not (c.role in ('agent', 'admin') and c.via = 'automation')
    and c.created_at <= (select as_of from evaluation);

-- ---------------------------------------------------------------- status spans
create or replace temp table status_spans as
with recorded as (
    select h.ticket_id, h.value as status, h.updated_at as ts
    from hd_history as h
    semi join tickets as t on t.ticket_id = h.ticket_id
    where h.field_name = 'status' and h.updated_at <= (select as_of from evaluation)
),
first_recorded as (select ticket_id, min(ts) as first_at from recorded group by ticket_id),
changes as (
    select ticket_id, status, ts from recorded
    union all
    -- every ticket is created new, unless its history says otherwise at creation
    select t.ticket_id, 'new', t.created_at
    from tickets as t left join first_recorded as f on f.ticket_id = t.ticket_id
    where f.ticket_id is null or f.first_at > t.created_at
    union all
    -- no status history at all: the current status from updated_at
    select t.ticket_id, t.row_status, t.updated_at
    from tickets as t left join first_recorded as f on f.ticket_id = t.ticket_id
    where f.ticket_id is null and t.row_status <> 'new' and t.updated_at > t.created_at
        and t.updated_at <= (select as_of from evaluation)
),
collapsed as (
    select * from changes
    qualify coalesce(lag(status) over (partition by ticket_id order by ts) <> status, true)
)
select
    c.ticket_id,
    c.status,
    c.ts as started_at,
    lead(c.ts) over (partition by c.ticket_id order by c.ts) as valid_until
from collapsed as c;

create or replace temp table status_summary as
select
    s.ticket_id,
    min(s.started_at) filter (where s.status = 'solved') as first_solved_at,
    max(s.started_at) filter (where s.status = 'solved') as last_solved_at,
    max(s.started_at) filter (where s.status = 'closed') as last_closed_at,
    max(s.status) filter (where s.valid_until is null) as status_now,
    cast(sum(date_diff('second', s.started_at, coalesce(s.valid_until, e.as_of)))
        filter (where s.status in ('new', 'open', 'on_hold')) as bigint) as wait_calendar_seconds,
    cast(sum(cum_at(c2.start_at, c2.seconds, c2.seconds_before, coalesce(s.valid_until, e.as_of))
        - cum_at(c1.start_at, c1.seconds, c1.seconds_before, s.started_at))
        filter (where s.status in ('new', 'open', 'on_hold')) as bigint) as wait_business_seconds,
    cast(sum(date_diff('second', s.started_at, coalesce(s.valid_until, e.as_of)))
        filter (where s.status in ('new', 'open')) as bigint) as work_calendar_seconds,
    cast(sum(cum_at(c2.start_at, c2.seconds, c2.seconds_before, coalesce(s.valid_until, e.as_of))
        - cum_at(c1.start_at, c1.seconds, c1.seconds_before, s.started_at))
        filter (where s.status in ('new', 'open')) as bigint) as work_business_seconds
from status_spans as s
cross join evaluation as e
join tickets as t on t.ticket_id = s.ticket_id
asof left join calendar as c1 on c1.schedule_id = t.schedule_id and s.started_at >= c1.start_at
asof left join calendar as c2
    on c2.schedule_id = t.schedule_id and coalesce(s.valid_until, e.as_of) >= c2.start_at
group by s.ticket_id;

-- ---------------------------------------------------------------- first response
create or replace temp table first_replies as
select ticket_id, min(created_at) as first_reply_at
from ticket_comments where is_reply group by ticket_id;

create or replace table baseline.first_response as
select
    t.ticket_id,
    case when t.by_end_user and t.schedule_id is not null
        then (cum_at(c2.start_at, c2.seconds, c2.seconds_before, r.first_reply_at)
            - cum_at(c1.start_at, c1.seconds, c1.seconds_before, t.created_at)) / 60.0
    end as first_response_minutes_business
from tickets as t
left join first_replies as r on r.ticket_id = t.ticket_id
asof left join calendar as c1 on c1.schedule_id = t.schedule_id and t.created_at >= c1.start_at
asof left join calendar as c2
    on c2.schedule_id = t.schedule_id and r.first_reply_at >= c2.start_at;

-- ---------------------------------------------------------------- next-response waits
-- Events in time order (agent reply < solve < end-user comment at one instant, then comment
-- id); replies and solves are boundaries; the first end-user comment after a reply, made while
-- the ticket is not solved/closed, opens a wait the next boundary closes.
create or replace temp table waits as
with user_comments as (
    select c.ticket_id, c.comment_id, c.created_at,
        s.status not in ('solved', 'closed') as can_open
    from ticket_comments as c
    join status_spans as s
        on s.ticket_id = c.ticket_id and c.created_at >= s.started_at
        and c.created_at < coalesce(s.valid_until, timestamp '9999-12-31')
    where not c.is_reply
),
events as (
    select ticket_id, created_at as ts, 0 as kind, comment_id, false as can_open
    from ticket_comments where is_reply
    union all
    select ticket_id, started_at, 1, null, false from status_spans where status = 'solved'
    union all
    select ticket_id, created_at, 2, comment_id, can_open from user_comments
),
numbered as (
    select
        events.*,
        sum(cast(kind = 0 as integer)) over w as replies_so_far,
        sum(cast(kind <= 1 as integer)) over w as boundary
    from events
    window w as (partition by ticket_id order by ts, kind, comment_id rows unbounded preceding)
),
opened as (
    select ticket_id, boundary, min(ts) as started_at
    from numbered
    where kind = 2 and can_open and replies_so_far >= 1
    group by ticket_id, boundary
),
closing as (select ticket_id, boundary, ts from numbered where kind <= 1)
select
    o.ticket_id,
    row_number() over (partition by o.ticket_id order by o.started_at) as instance_number,
    o.started_at,
    b.ts as fulfilled_at
from opened as o
left join closing as b on b.ticket_id = o.ticket_id and b.boundary = o.boundary + 1;

-- ---------------------------------------------------------------- SLA clocks
create or replace temp table priority_spans as
with recorded as (
    select h.ticket_id, h.value as priority, h.updated_at as ts,
        row_number() over (partition by h.ticket_id order by h.updated_at) as n,
        lag(h.value) over (partition by h.ticket_id order by h.updated_at) as previous
    from hd_history as h
    semi join tickets as t on t.ticket_id = h.ticket_id
    where h.field_name = 'priority' and h.updated_at <= (select as_of from evaluation)
),
changes as (
    select r.ticket_id, r.priority,
        case when r.n = 1 and r.ts > t.created_at then t.created_at else r.ts end as ts
    from recorded as r join tickets as t on t.ticket_id = r.ticket_id
    where r.previous is null or r.previous <> r.priority
    union all
    select t.ticket_id, t.row_priority, t.created_at
    from tickets as t anti join recorded as r on r.ticket_id = t.ticket_id
)
select ticket_id, priority, ts as valid_from
from changes;

-- ---------------------------------------------------------------- update intervals
-- The periodic_update / pausable_update instances: every agent reply made while the ticket is
-- not solved or closed starts an interval, and so does a reopen (solved -> not solved/closed)
-- once the ticket has had a reply; the next agent reply or solve stops it. Events of one
-- instant: status changes, then replies, then comment id. Zero-length intervals are none.
create or replace temp table update_intervals as
with spans as (
    select s.*, lag(s.status) over (partition by s.ticket_id order by s.started_at) as previous
    from status_spans as s
),
events as (
    select ticket_id, started_at as ts, 0 as kind, cast(null as varchar) as comment_id,
        false as is_reply, false as can_start, true as stops
    from spans where status = 'solved'
    union all
    select ticket_id, started_at, 0, null, false, true, false
    from spans where previous = 'solved' and status not in ('solved', 'closed')
    union all
    select c.ticket_id, c.created_at, 1, c.comment_id, true,
        s.status not in ('solved', 'closed'), true
    from ticket_comments as c
    join status_spans as s
        on s.ticket_id = c.ticket_id and c.created_at >= s.started_at
        and c.created_at < coalesce(s.valid_until, timestamp '9999-12-31')
    where c.is_reply
),
numbered as (
    select
        events.*,
        sum(cast(is_reply as integer)) over w as replies_so_far,
        sum(cast(stops as integer)) over w as stops_so_far
    from events
    window w as (partition by ticket_id order by ts, kind, comment_id rows unbounded preceding)
),
intervals as (
    select a.ticket_id, a.ts as started_at, b.ts as fulfilled_at
    from numbered as a
    left join numbered as b
        on b.ticket_id = a.ticket_id and b.stops and b.stops_so_far = a.stops_so_far + 1
    where a.can_start and a.replies_so_far >= 1 and (b.ts is null or b.ts > a.ts)
)
select
    i.ticket_id,
    row_number() over (partition by i.ticket_id order by i.started_at) as instance_number,
    i.started_at,
    i.fulfilled_at,
    coalesce(i.fulfilled_at, e.as_of) as counted_until,
    t.schedule_id
from intervals as i
cross join evaluation as e
join tickets as t on t.ticket_id = i.ticket_id;

-- time in pending inside each update interval (the pausable_update clock does not count it)
create or replace temp table update_pending as
with pieces as (
    select
        u.ticket_id, u.instance_number, u.schedule_id,
        greatest(s.started_at, u.started_at) as piece_start,
        least(coalesce(s.valid_until, e.as_of), u.counted_until) as piece_end
    from update_intervals as u
    cross join evaluation as e
    join status_spans as s
        on s.ticket_id = u.ticket_id and s.status = 'pending'
        and s.started_at < u.counted_until
        and coalesce(s.valid_until, e.as_of) > u.started_at
)
select
    p.ticket_id, p.instance_number,
    cast(sum(date_diff('second', p.piece_start, p.piece_end)) as bigint) as pending_calendar_seconds,
    cast(sum(cum_at(c2.start_at, c2.seconds, c2.seconds_before, p.piece_end)
        - cum_at(c1.start_at, c1.seconds, c1.seconds_before, p.piece_start)) as bigint)
        as pending_business_seconds
from pieces as p
asof left join calendar as c1 on c1.schedule_id = p.schedule_id and p.piece_start >= c1.start_at
asof left join calendar as c2 on c2.schedule_id = p.schedule_id and p.piece_end >= c2.start_at
group by p.ticket_id, p.instance_number;

-- the SLA policy the helpdesk applied (field sla_policy; a NULL value: none)
create or replace temp table policy_changes as
select h.ticket_id, h.value as policy_name, h.updated_at as valid_from
from hd_history as h
semi join tickets as t on t.ticket_id = h.ticket_id
where h.field_name = 'sla_policy' and h.updated_at <= (select as_of from evaluation);

create or replace temp table clocks as
with response_and_resolution as (
    select
        t.ticket_id, t.schedule_id, m.metric, 1 as instance_number, t.created_at as started_at,
        case m.metric
            when 'first_response' then least(r.first_reply_at, s.first_solved_at)
            else case when s.status_now in ('solved', 'closed')
                then coalesce(s.last_solved_at, s.last_closed_at) end
        end as fulfilled_at,
        case m.metric
            when 'resolution' then s.wait_calendar_seconds
            when 'agent_work' then s.work_calendar_seconds
        end as countable_calendar_seconds,
        case m.metric
            when 'resolution' then s.wait_business_seconds
            when 'agent_work' then s.work_business_seconds
        end as countable_business_seconds,
        0 as pending_calendar_seconds,
        0 as pending_business_seconds
    from tickets as t
    cross join (values ('first_response'), ('resolution'), ('agent_work')) as m(metric)
    left join first_replies as r on r.ticket_id = t.ticket_id
    left join status_summary as s on s.ticket_id = t.ticket_id
),
all_clocks as (
    select * from response_and_resolution
    union all
    select w.ticket_id, t.schedule_id, 'next_response', w.instance_number, w.started_at,
        w.fulfilled_at, null, null, 0, 0
    from waits as w join tickets as t on t.ticket_id = w.ticket_id
    union all
    select u.ticket_id, u.schedule_id, m.metric, u.instance_number, u.started_at, u.fulfilled_at,
        null, null,
        case when m.metric = 'pausable_update' then coalesce(p.pending_calendar_seconds, 0)
            else 0 end,
        case when m.metric = 'pausable_update' then coalesce(p.pending_business_seconds, 0)
            else 0 end
    from update_intervals as u
    cross join (values ('periodic_update'), ('pausable_update')) as m(metric)
    left join update_pending as p
        on p.ticket_id = u.ticket_id and p.instance_number = u.instance_number
)
select
    c.*,
    coalesce(c.fulfilled_at, e.as_of) as counted_until,
    pol.target_minutes * 60 as target_seconds,
    pol.in_business_hours
from all_clocks as c
cross join evaluation as e
-- priority spans are contiguous from creation: the one in force is the last one started
asof join priority_spans as p
    on p.ticket_id = c.ticket_id
    and coalesce(c.fulfilled_at, e.as_of) >= p.valid_from
-- the applied policy in force then (none recorded yet, or emptied: the priority rule)
asof left join policy_changes as ap
    on ap.ticket_id = c.ticket_id
    and coalesce(c.fulfilled_at, e.as_of) >= ap.valid_from
join hd_policies as pol
    on pol.priority = p.priority and pol.metric = c.metric
    and (ap.policy_name is null or pol.policy_name = ap.policy_name)
    and coalesce(c.fulfilled_at, e.as_of) >= pol.valid_from
    and coalesce(c.fulfilled_at, e.as_of) < coalesce(pol.valid_to, timestamp '9999-12-31')
qualify row_number() over (
    partition by c.ticket_id, c.metric, c.instance_number
    order by pol.valid_from desc, pol.policy_id) = 1;

create or replace temp table elapsed as
select
    k.*,
    case
        when not k.in_business_hours and k.metric in ('resolution', 'agent_work')
            then k.countable_calendar_seconds
        when not k.in_business_hours
            then date_diff('second', k.started_at, k.counted_until) - k.pending_calendar_seconds
        when k.schedule_id is null then null
        when k.metric in ('resolution', 'agent_work') then k.countable_business_seconds
        else cum_at(c2.start_at, c2.seconds, c2.seconds_before, k.counted_until)
            - cum_at(c1.start_at, c1.seconds, c1.seconds_before, k.started_at)
            - k.pending_business_seconds
    end as elapsed_seconds,
    cum_at(c1.start_at, c1.seconds, c1.seconds_before, k.started_at) as cum_started
from clocks as k
asof left join calendar as c1 on c1.schedule_id = k.schedule_id and k.started_at >= c1.start_at
asof left join calendar as c2
    on c2.schedule_id = k.schedule_id and k.counted_until >= c2.start_at;

-- breach_at of the clocks that never pause (first and next response, periodic update):
-- start + target on the policy's clock. Resolution, agent work and pausable update pause;
-- their breach instant is not recomputed here.
create or replace table baseline.sla_events as
select
    e.ticket_id,
    e.metric,
    e.instance_number,
    case
        when e.elapsed_seconds is null then null
        when e.fulfilled_at is not null and e.elapsed_seconds > e.target_seconds then 'breached'
        when e.fulfilled_at is not null then 'achieved'
        when e.elapsed_seconds > e.target_seconds then 'running_breached'
        else 'running'
    end as sla_status,
    case
        when e.metric in ('resolution', 'agent_work', 'pausable_update') then null
        when not e.in_business_hours then e.started_at + to_seconds(e.target_seconds)
        when e.cum_started + e.target_seconds <= tc.seconds_before + tc.seconds
            then tc.start_at + to_seconds(e.cum_started + e.target_seconds - tc.seconds_before)
    end as breach_at
from elapsed as e
asof left join (select * from calendar where seconds > 0) as tc
    on tc.schedule_id = e.schedule_id
    and e.cum_started + e.target_seconds > tc.seconds_before;

create or replace temp table success_as_of as
select as_of as as_of_at, cast(date_trunc('month', as_of) as date) as as_of_month
from evaluation;

-- ---------------------------------------------------------------- item MRR per month
-- An item counts in month M when it is in force at the last instant of M: from < T and
-- to >= T, T = first instant of M+1, within [paid start, ended_at) of its subscription; a
-- subscription paused or trialing now counts 0 in the as-of month.
create or replace temp table bl_item_windows as
select
    s.customer_id,
    s.currency,
    -- round(quantity × unit × (100 − discount) / (100 × cycle), 10 decimals), half up, as an
    -- integer count of 1e-10 units: n = quantity × unit × (100 − discount) × 1e8 is whole.
    cast((2 * cast(i.quantity * i.unit_amount * (100 - i.discount_percent) * 100000000 as hugeint)
        + p.cycle_months) // (2 * p.cycle_months) as bigint) as mrr_e10,
    greatest(i.valid_from, coalesce(greatest(s.started_at, s.trial_end), s.started_at, s.trial_end,
        i.valid_from)) as effective_from,
    least(coalesce(i.valid_to, timestamp '9999-12-31'), coalesce(s.ended_at, timestamp '9999-12-31'),
        case when s.status in ('paused', 'trialing') then cast(a.as_of_month as timestamp)
            else timestamp '9999-12-31' end) as effective_to
from bl_items as i
join bl_subscriptions as s on s.subscription_id = i.subscription_id
join bl_plans as p on p.plan_id = i.plan_id
cross join success_as_of as a;

create or replace temp table bl_months as
with bounds as (
    select
        (select min(date_trunc('month', effective_from)) from bl_item_windows as w, success_as_of as a
         where w.mrr_e10 > 0 and w.effective_from < w.effective_to
            and date_trunc('month', w.effective_from) <= a.as_of_month
            and w.effective_to >= date_trunc('month', w.effective_from) + interval 1 month)
            as first_month,
        (select as_of_month from success_as_of) as last_month
)
select
    cast(m as date) as month_start,
    cast(m + interval 1 month as timestamp) as next_month_at,
    cast(m + interval 1 month - interval 1 day as date) as month_end_date,
    cast(m = first_month as boolean) as is_first_month
from bounds, generate_series(cast(first_month as timestamp), cast(last_month as timestamp),
    interval 1 month) as g(m);

create or replace temp table bl_fx as
with ccys as (
    select distinct currency from bl_subscriptions
    union select getvariable('reporting_currency') union select 'USD'
),
usd as (
    select m.month_start, m.is_first_month, c.currency,
        case when c.currency = 'USD' then 1.0
            else coalesce(r.usd_per_unit, (select arg_min(usd_per_unit, rate_date) from bl_rates
                where currency = c.currency)) end as usd_per_unit
    from bl_months as m
    cross join ccys as c
    asof left join (select * from bl_rates where currency <> 'USD') as r
        on r.currency = c.currency and r.rate_date <= m.month_end_date
),
to_reporting as (
    select u.month_start, u.is_first_month, u.currency,
        case when u.currency = rep.currency then cast(1 as decimal(24, 10))
            else cast(u.usd_per_unit / rep.usd_per_unit as decimal(24, 10)) end as rate
    from usd as u
    join usd as rep
        on rep.month_start = u.month_start and rep.currency = getvariable('reporting_currency')
)
select t.month_start, t.currency, t.rate, f.rate as constant_rate
from to_reporting as t
join to_reporting as f on f.currency = t.currency and f.is_first_month;

create or replace temp table bl_customer_months as
with native as (
    select w.customer_id, w.currency, m.month_start, sum(w.mrr_e10) as mrr_e10
    from bl_item_windows as w
    join bl_months as m
        on w.effective_from < m.next_month_at and w.effective_to >= m.next_month_at
    where w.effective_from < w.effective_to
    group by all
)
select
    n.customer_id,
    n.month_start,
    cast(round(sum(cast(n.mrr_e10 as decimal(38, 0)) * cast(0.0000000001 as decimal(11, 10))
        * fx.rate), 2) as decimal(18, 2)) as mrr,
    cast(round(sum(cast(n.mrr_e10 as decimal(38, 0)) * cast(0.0000000001 as decimal(11, 10))
        * fx.constant_rate), 2) as decimal(18, 2)) as mrr_constant_currency,
    -- the same items at the previous month's rates (the FX split of the bridge)
    cast(round(sum(cast(n.mrr_e10 as decimal(38, 0)) * cast(0.0000000001 as decimal(11, 10))
        * coalesce(prev.rate, fx.rate)), 2) as decimal(18, 2)) as mrr_at_previous_rates
from native as n
join bl_fx as fx on fx.currency = n.currency and fx.month_start = n.month_start
left join bl_fx as prev
    on prev.currency = n.currency and prev.month_start = n.month_start - interval 1 month
group by all;

create or replace table baseline.mrr_monthly as
with first_paid as (
    select customer_id, min(month_start) as first_month
    from bl_customer_months
    where mrr > 0 or mrr_constant_currency > 0
    group by all
),
grid as (
    select f.customer_id, m.month_start, coalesce(c.mrr, 0) as mrr,
        coalesce(c.mrr_at_previous_rates, 0) as mrr_at_previous_rates
    from first_paid as f
    join bl_months as m on m.month_start >= f.first_month
    left join bl_customer_months as c
        on c.customer_id = f.customer_id and c.month_start = m.month_start
),
history as (
    select grid.*,
        coalesce(lag(mrr) over w, 0) as previous_mrr,
        coalesce(max(mrr) over (w rows between unbounded preceding and 1 preceding), 0) > 0
            as paid_before
    from grid
    window w as (partition by customer_id order by month_start)
)
select
    customer_id,
    month_start,
    cast(mrr as decimal(18, 2)) as mrr,
    case
        when mrr > 0 and not paid_before then 'new'
        when mrr > 0 and previous_mrr = 0 then 'reactivation'
        when mrr = 0 and previous_mrr > 0 then 'churn'
        when mrr_at_previous_rates > previous_mrr then 'expansion'
        when mrr_at_previous_rates < previous_mrr then 'contraction'
        else 'unchanged'
    end as movement_type
from history;
