{#- No ticket duration is negative, and business time never exceeds calendar time. -#}
select ticket_id
from {{ ref('fct_tickets') }}
where first_response_minutes_business < 0
    or first_resolution_minutes_business < 0
    or full_resolution_minutes_business < 0
    or requester_wait_minutes_business < 0
    or agent_work_minutes_business < 0
    or on_hold_minutes_business < 0
    or first_response_minutes_business > first_response_minutes_calendar + 0.0001
    or full_resolution_minutes_business > full_resolution_minutes_calendar + 0.0001
    or requester_wait_minutes_business > requester_wait_minutes_calendar + 0.0001
    or first_resolution_minutes_calendar > full_resolution_minutes_calendar
