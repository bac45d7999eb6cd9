-- Grain: one row per helpdesk agent or admin (stg_helpdesk__users with role agent/admin): the
-- dimension BI joins agent ids to (agg_agent_daily.agent_id, fct_tickets.first_reply_agent_id,
-- fct_sla_events via tickets). The display name is the agent's name as the helpdesk shows it;
-- end users' names and emails never reach the marts.
with agents as (
    select user_id, role, agent_display_name, default_group, created_at, is_active
    from {{ ref('stg_helpdesk__users') }}
    where role in ('agent', 'admin')
),

groups as (
    select group_name, tier from {{ ref('stg_helpdesk__groups') }}
)

select
    agents.user_id as agent_id,
    coalesce(agents.agent_display_name, agents.user_id) as display_name,
    agents.role,
    agents.default_group,
    groups.tier as default_group_tier,
    agents.is_active,
    agents.created_at
from agents
left join groups
    on groups.group_name = agents.default_group
