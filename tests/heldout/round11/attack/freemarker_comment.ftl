<#-- GEHEIM -->
${plan.name}
