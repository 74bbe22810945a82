# ${{ values.name }} (${{ values.environment }}), owned by ${{ values.owner }}. Written by Wayfinder's storage-bucket template.
module "${{ values.name }}" {
  source = "../../../modules/bucket"

  name        = "${{ values.name }}"
  region      = "${{ values.region }}"
  versioning  = ${{ "true" if values.versioning else "false" }}
  public_read = ${{ "true" if values.publicRead else "false" }}
{%- if values.retentionDays %}
  noncurrent_version_retention_days = ${{ values.retentionDays }}
{%- endif %}

  tags = {
    owner       = "${{ values.owner }}"
    environment = "${{ values.environment }}"
  }
}
