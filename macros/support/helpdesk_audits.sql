{#-
  One macro per raw helpdesk table: rename, cast, normalise enums, and classify
  every landed row (see helpdesk_audited_rows). The staging model keeps the rows
  whose quarantine_reason is NULL; the quarantine model keeps the others. Both
  call the same macro so they cannot disagree, and tests/dbt/support/
  assert_helpdesk_rows_reconcile.sql proves raw = staged + quarantined.
  Free text (names, emails, subjects, bodies, survey comments) is never selected.
-#}

{#- landed_filter: optional SQL condition on the raw row limiting which landings are classified (incremental runs; see helpdesk_landed_rows). -#}
{% macro helpdesk_tickets_audited(landed_filter=none) %}
{% set typed_sql %}
    select
        cast(t.ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(t.account_id as {{ dbt.type_string() }}) as account_id,
        cast(t.requester_id as {{ dbt.type_string() }}) as requester_id,
        cast(t.assignee_id as {{ dbt.type_string() }}) as assignee_id,
        nullif(trim(t.group_name), '') as group_name,
        coalesce(channel_map.canonical_value, case when t.channel is null then 'unknown' end) as channel,
        coalesce(priority_map.canonical_value, case when t.priority is null then 'unknown' end) as priority,
        coalesce(type_map.canonical_value, case when t.ticket_type is null then 'unknown' end) as ticket_type,
        status_map.canonical_value as status,
        cast(t.created_at as timestamp) as created_at,
        cast(t.updated_at as timestamp) as updated_at,
        coalesce(cast(t.is_deleted as boolean), false) as is_deleted,
        cast(t.merged_into_ticket_id as {{ dbt.type_string() }}) as merged_into_ticket_id,
        t._loaded_at,
        t.status as _status_raw
    from {{ helpdesk_landed_rows(source('raw_helpdesk', 'tickets'), landed_filter) }} as t
    {{ helpdesk_enum_join('channel_map', 'channel', 't.channel') }}
    {{ helpdesk_enum_join('priority_map', 'priority', 't.priority') }}
    {{ helpdesk_enum_join('type_map', 'ticket_type', 't.ticket_type') }}
    {{ helpdesk_enum_join('status_map', 'status', 't.status') }}
{% endset %}
{{ helpdesk_audited_rows(
    typed_sql,
    ['ticket_id'],
    ['account_id', 'requester_id', 'assignee_id', 'group_name', 'channel', 'priority', 'ticket_type',
     'status', 'created_at', 'updated_at', 'is_deleted', 'merged_into_ticket_id'],
    [
        ('null_required_value', 'created_at is null or _status_raw is null'),
        ('unknown_enum_value', 'channel is null or priority is null or ticket_type is null or status is null'),
        ('after_load_time', 'created_at > _loaded_at or created_at > ' ~ support_future_limit()),
    ]
) }}
{% endmacro %}


{% macro helpdesk_users_audited() %}
{% set typed_sql %}
    select
        cast(u.user_id as {{ dbt.type_string() }}) as user_id,
        role_map.canonical_value as role,
        cast(u.account_id as {{ dbt.type_string() }}) as account_id,
        {{ dbt.hash("lower(trim(u.email))") }} as email_hash,
        -- an agent's display name is how BI labels the agent; end users' names stop here
        case when role_map.canonical_value in ('agent', 'admin') then nullif(trim(u.name), '') end
            as agent_display_name,
        nullif(trim(u.default_group), '') as default_group,
        cast(u.created_at as timestamp) as created_at,
        cast(u.is_active as boolean) as is_active,
        u._loaded_at,
        u.role as _role_raw
    from {{ source('raw_helpdesk', 'users') }} as u
    {{ helpdesk_enum_join('role_map', 'role', 'u.role') }}
{% endset %}
{{ helpdesk_audited_rows(
    typed_sql,
    ['user_id'],
    ['role', 'account_id', 'email_hash', 'agent_display_name', 'default_group', 'created_at', 'is_active'],
    [
        ('null_required_value', '_role_raw is null'),
        ('unknown_enum_value', 'role is null'),
    ]
) }}
{% endmacro %}


{% macro helpdesk_groups_audited() %}
{% set typed_sql %}
    select
        nullif(trim(group_name), '') as group_name,
        cast(tier as integer) as tier,
        cast(schedule_id as {{ dbt.type_string() }}) as schedule_id,
        _loaded_at
    from {{ source('raw_helpdesk', 'groups') }}
{% endset %}
{{ helpdesk_audited_rows(typed_sql, ['group_name'], ['tier', 'schedule_id'], []) }}
{% endmacro %}


{% macro helpdesk_schedules_audited() %}
{% set typed_sql %}
    with landed as (
        select
            cast(schedule_id as {{ dbt.type_string() }}) as schedule_id,
            trim(timezone) as timezone,
            cast(day_of_week as integer) as day_of_week,
            trim(start_time) as start_time,
            trim(end_time) as end_time,
            cast(valid_from as date) as valid_from,
            cast(valid_to as date) as valid_to,
            _loaded_at
        from {{ source('raw_helpdesk', 'schedules') }}
    ),
    parsed as (
        select
            landed.*,
            case when regexp_matches(start_time, '^[0-9]{1,2}:[0-9]{2}$')
                then cast(split_part(start_time, ':', 1) as integer) * 60 + cast(split_part(start_time, ':', 2) as integer)
            end as start_minute,
            case when regexp_matches(end_time, '^[0-9]{1,2}:[0-9]{2}$')
                then cast(split_part(end_time, ':', 1) as integer) * 60 + cast(split_part(end_time, ':', 2) as integer)
            end as end_minute,
            cast(split_part(start_time, ':', 2) as integer) as _start_mm,
            cast(split_part(end_time, ':', 2) as integer) as _end_mm
        from landed
    ),
    known_zones as (
        select name from pg_timezone_names()
    )
    select
        parsed.*,
        known_zones.name is not null as _timezone_known
    from parsed
    left join known_zones on known_zones.name = parsed.timezone
{% endset %}
{{ helpdesk_audited_rows(
    typed_sql,
    ['schedule_id', 'valid_from', 'day_of_week', 'start_time'],
    ['timezone', 'end_time', 'valid_to', 'start_minute', 'end_minute'],
    [
        ('null_required_value', 'timezone is null or end_time is null'),
        ('unknown_timezone', 'not _timezone_known'),
        ('invalid_day_of_week', 'day_of_week not between 1 and 7'),
        ('invalid_time', 'start_minute is null or end_minute is null or _start_mm > 59 or _end_mm > 59 or start_minute >= 1440 or end_minute > 1440'),
        ('invalid_interval', 'end_minute <= start_minute'),
        ('invalid_validity', 'valid_to <= valid_from'),
    ]
) }}
{% endmacro %}


{% macro helpdesk_schedule_holidays_audited() %}
{% set typed_sql %}
    select
        cast(h.schedule_id as {{ dbt.type_string() }}) as schedule_id,
        cast(h.holiday_date as date) as holiday_date,
        h._loaded_at,
        s.schedule_id is not null as _schedule_known
    from {{ source('raw_helpdesk', 'schedule_holidays') }} as h
    left join (select distinct schedule_id from {{ ref('stg_helpdesk__schedules') }}) as s
        on s.schedule_id = cast(h.schedule_id as {{ dbt.type_string() }})
{% endset %}
{{ helpdesk_audited_rows(
    typed_sql, ['schedule_id', 'holiday_date'], [],
    [('orphan_schedule', 'not _schedule_known')]
) }}
{% endmacro %}


{% macro helpdesk_sla_policies_audited() %}
{% set typed_sql %}
    select
        cast(p.policy_id as {{ dbt.type_string() }}) as policy_id,
        nullif(trim(cast(p.policy_name as {{ dbt.type_string() }})), '') as policy_name,
        priority_map.canonical_value as priority,
        metric_map.canonical_value as metric,
        cast(p.target_minutes as bigint) as target_minutes,
        cast(p.in_business_hours as boolean) as in_business_hours,
        cast(p.valid_from as timestamp) as valid_from,
        cast(p.valid_to as timestamp) as valid_to,
        p._loaded_at,
        p.priority as _priority_raw,
        p.metric as _metric_raw
    from {{ source('raw_helpdesk', 'sla_policies') }} as p
    {{ helpdesk_enum_join('priority_map', 'priority', 'p.priority') }}
    {{ helpdesk_enum_join('metric_map', 'metric', 'p.metric') }}
{% endset %}
{#- priority and metric are part of the contract key; they are keyed on the raw text. -#}
{{ helpdesk_audited_rows(
    typed_sql,
    ['policy_id', '_priority_raw', '_metric_raw', 'valid_from'],
    ['policy_name', 'priority', 'metric', 'target_minutes', 'in_business_hours', 'valid_to'],
    [
        ('null_required_value', 'target_minutes is null or in_business_hours is null'),
        ('unknown_enum_value', 'priority is null or metric is null'),
        ('invalid_target', 'target_minutes <= 0'),
        ('invalid_validity', 'valid_to <= valid_from'),
    ]
) }}
{% endmacro %}


{#- landed_filter: optional SQL condition on the raw row limiting which landings are classified (incremental runs; see helpdesk_landed_rows). -#}
{% macro helpdesk_ticket_comments_audited(landed_filter=none) %}
{% set typed_sql %}
    select
        cast(c.comment_id as {{ dbt.type_string() }}) as comment_id,
        cast(c.ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(c.author_id as {{ dbt.type_string() }}) as author_id,
        cast(c.is_public as boolean) as is_public,
        via_map.canonical_value as via,
        cast(c.created_at as timestamp) as created_at,
        c._loaded_at,
        c.via as _via_raw,
        t.created_at as _ticket_created_at,
        t.ticket_id is not null as _ticket_known,
        u.user_id is not null as _author_known
    from {{ helpdesk_landed_rows(source('raw_helpdesk', 'ticket_comments'), landed_filter) }} as c
    left join {{ ref('stg_helpdesk__tickets') }} as t
        on t.ticket_id = cast(c.ticket_id as {{ dbt.type_string() }})
    left join {{ ref('stg_helpdesk__users') }} as u
        on u.user_id = cast(c.author_id as {{ dbt.type_string() }})
    {{ helpdesk_enum_join('via_map', 'via', 'c.via') }}
{% endset %}
{{ helpdesk_audited_rows(
    typed_sql,
    ['comment_id'],
    ['ticket_id', 'author_id', 'is_public', 'via', 'created_at'],
    [
        ('orphan_ticket', 'not _ticket_known'),
        ('null_required_value', 'created_at is null or is_public is null or _via_raw is null'),
        ('unknown_enum_value', 'via is null'),
        ('orphan_author', 'not _author_known'),
        ('before_ticket_created', 'created_at < _ticket_created_at'),
        ('after_load_time', 'created_at > _loaded_at or created_at > ' ~ support_future_limit()),
    ]
) }}
{% endmacro %}


{#- landed_filter: optional SQL condition on the raw row limiting which landings are classified (incremental runs; see helpdesk_landed_rows). -#}
{% macro helpdesk_ticket_field_history_audited(landed_filter=none) %}
{% set typed_sql %}
    with landed as (
        select
            cast(h.ticket_id as {{ dbt.type_string() }}) as ticket_id,
            field_map.canonical_value as field_name,
            h.field_name as _field_name_raw,
            h.value as _value_raw,
            cast(h.updated_at as timestamp) as updated_at,
            cast(h.updater_id as {{ dbt.type_string() }}) as updater_id,
            h._loaded_at
        from {{ helpdesk_landed_rows(source('raw_helpdesk', 'ticket_field_history'), landed_filter) }} as h
        {{ helpdesk_enum_join('field_map', 'field_name', 'h.field_name') }}
    )
    select
        landed.ticket_id,
        landed.field_name,
        landed._field_name_raw,
        case landed.field_name
            when 'status' then status_map.canonical_value
            when 'priority' then priority_map.canonical_value
            else nullif(trim(landed._value_raw), '')
        end as value,
        landed._value_raw,
        landed.updated_at,
        landed.updater_id,
        landed._loaded_at,
        t.created_at as _ticket_created_at,
        t.ticket_id is not null as _ticket_known
    from landed
    left join {{ ref('stg_helpdesk__tickets') }} as t
        on t.ticket_id = landed.ticket_id
    {{ helpdesk_enum_join('status_map', 'status', 'landed._value_raw') }}
    {{ helpdesk_enum_join('priority_map', 'priority', 'landed._value_raw') }}
{% endset %}
{#- The contract key is (ticket_id, field_name, updated_at), on the landed field name. -#}
{{ helpdesk_audited_rows(
    typed_sql,
    ['ticket_id', '_field_name_raw', 'updated_at'],
    ['field_name', 'value', 'updater_id'],
    [
        ('orphan_ticket', 'not _ticket_known'),
        ('unknown_enum_value', "field_name is null or (field_name in ('status', 'priority') and value is null and _value_raw is not null)"),
        ('null_required_value', "field_name in ('status', 'priority') and _value_raw is null"),
        ('before_ticket_created', 'updated_at < _ticket_created_at'),
        ('after_load_time', 'updated_at > _loaded_at or updated_at > ' ~ support_future_limit()),
    ]
) }}
{% endmacro %}


{% macro helpdesk_satisfaction_responses_audited() %}
{% set typed_sql %}
    select
        cast(r.response_id as {{ dbt.type_string() }}) as response_id,
        type_map.canonical_value as survey_type,
        cast(r.ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(r.account_id as {{ dbt.type_string() }}) as account_id,
        cast(r.user_id as {{ dbt.type_string() }}) as user_id,
        cast(r.score as integer) as score,
        cast(r.responded_at as timestamp) as responded_at,
        r._loaded_at,
        r.survey_type as _survey_type_raw,
        t.created_at as _ticket_created_at,
        t.ticket_id is not null as _ticket_known
    from {{ source('raw_helpdesk', 'satisfaction_responses') }} as r
    left join {{ ref('stg_helpdesk__tickets') }} as t
        on t.ticket_id = cast(r.ticket_id as {{ dbt.type_string() }})
    {{ helpdesk_enum_join('type_map', 'survey_type', 'r.survey_type') }}
{% endset %}
{{ helpdesk_audited_rows(
    typed_sql,
    ['response_id'],
    ['survey_type', 'ticket_id', 'account_id', 'user_id', 'score', 'responded_at'],
    [
        ('null_required_value', 'score is null or responded_at is null or _survey_type_raw is null'),
        ('unknown_enum_value', 'survey_type is null'),
        ('score_out_of_range', "(survey_type = 'csat' and score not between 1 and 5) or (survey_type = 'ces' and score not between 1 and 7) or (survey_type = 'nps' and score not between 0 and 10)"),
        ('missing_ticket', "survey_type in ('csat', 'ces') and ticket_id is null"),
        ('orphan_ticket', 'ticket_id is not null and not _ticket_known'),
        ('before_ticket_created', 'ticket_id is not null and responded_at < _ticket_created_at'),
        ('after_load_time', 'responded_at > _loaded_at or responded_at > ' ~ support_future_limit()),
    ]
) }}
{% endmacro %}


{#-
  The raw table, or only its landings matching `landed_filter` (a condition on
  the raw columns, unqualified). Filtering in a subquery, before the lookups
  are joined, keeps an incremental run from joining every landed row.
-#}
{% macro helpdesk_landed_rows(relation, landed_filter=none) -%}
    {%- if landed_filter -%}
        (select * from {{ relation }} where {{ landed_filter }})
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}
