# ${{ values.name }} (${{ values.environment }}), owned by ${{ values.owner }}. Written by Wayfinder's postgres-database template.
module "${{ values.name }}" {
  source = "../../../modules/postgres"

  name              = "${{ values.name }}"
  environment       = "${{ values.environment }}"
  instance_size     = "${{ values.size }}"
  storage_gb        = ${{ values.storageGb }}
  high_availability = ${{ "true" if values.highAvailability else "false" }}
{%- if values.backupRetentionDays %}
  backup_retention_days = ${{ values.backupRetentionDays }}
{%- endif %}

  tags = {
    owner = "${{ values.owner }}"
{%- if values.service %}
    service = "${{ values.service }}"
{%- endif %}
  }
}
