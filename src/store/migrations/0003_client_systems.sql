-- Client configs move to named systems, each naming its connector (issue 7). The Microsoft section
-- becomes the "entra" (Graph) and "exchange" (Exchange Online) systems with the tenant, credential,
-- endpoints and limits they had; its step choices become the vendor-neutral identity / mail / licensing
-- sections. System kinds without a connector (psa, rmm, docs, on-prem AD) had nothing to connect to and
-- are dropped. Configs already in the new shape are left alone.
update clients c set config = (c.config - 'credentials' - 'microsoft' - 'limits' - 'systems') || jsonb_build_object(
  'systems', jsonb_strip_nulls(jsonb_build_object(
    'entra', case when c.config ? 'microsoft' then jsonb_strip_nulls(jsonb_build_object(
      'connector', 'msgraph',
      'tenantId', c.config->'microsoft'->'tenantId',
      'credential', c.config->'credentials'->'microsoft',
      'endpoints', case when c.config->'microsoft' ? 'endpoints' then jsonb_build_object(
        'authority', c.config->'microsoft'->'endpoints'->'authority',
        'graph', c.config->'microsoft'->'endpoints'->'graph') end,
      'limits', c.config->'limits'->'graph')) end,
    'exchange', case when c.config ? 'microsoft' and c.config->'systems'->>'mail' = 'exchange-online' then jsonb_strip_nulls(jsonb_build_object(
      'connector', 'exchange-online',
      'tenantId', c.config->'microsoft'->'tenantId',
      'credential', c.config->'credentials'->'microsoft',
      'endpoints', case when c.config->'microsoft' ? 'endpoints' then jsonb_build_object(
        'authority', c.config->'microsoft'->'endpoints'->'authority',
        'exchange', c.config->'microsoft'->'endpoints'->'exchange') end,
      'limits', c.config->'limits'->'exchange')) end)),
  'identity', jsonb_strip_nulls(jsonb_build_object(
    'mfaRegistrationGroup', c.config->'microsoft'->'mfaRegistrationGroup',
    'conditionalAccessGroups', c.config->'microsoft'->'conditionalAccessGroups',
    'temporaryAccessPass', c.config->'microsoft'->'temporaryAccessPass',
    'groupsKeptAtOffboarding', c.config->'microsoft'->'groupsKeptAtOffboarding')),
  'mail', jsonb_strip_nulls(jsonb_build_object(
    'sendMailFrom', c.config->'microsoft'->'sendMailFrom',
    'signatureTemplate', c.config->'microsoft'->'signatureTemplate')),
  'licensing', jsonb_strip_nulls(jsonb_build_object('whenNoSeat', c.config->'microsoft'->'whenNoSeat')))
where c.config ? 'microsoft' or c.config ? 'credentials' or c.config ? 'limits'
   or jsonb_typeof(c.config->'systems'->'identity') = 'string';
