#!/usr/bin/env python3
"""Prints an identity domain's SCIM resources ({"Users", "Groups", "ApiKeys"}) built with the
official Python SDK's models (`oci.identity_domains.models`) and written with the SDK's own
wire names (each model's `attribute_map`), so that the audit tests can check grantlint reads
what Oracle's SDK describes, not only what grantlint's fixtures say.

    sdk_scim.py USER_OCID GROUP_NAME
"""

import json
import sys

from oci.identity_domains import models as m


def wire(value):
    """A model as the API sends it: its attributes under their wire names, unset ones left out."""
    if isinstance(value, list):
        return [wire(v) for v in value]
    if hasattr(value, "attribute_map"):
        return {
            value.attribute_map[name]: wire(getattr(value, name))
            for name in value.swagger_types
            if getattr(value, name) is not None
        }
    return value


def main():
    user_ocid, group_name = sys.argv[1], sys.argv[2]
    vendor = m.User(
        id="sdk-user-1",
        ocid=user_ocid,
        user_name="digiusher-api",
        display_name="DigiUsher API",
        active=True,
        schemas=["urn:ietf:params:scim:schemas:core:2.0:User"],
        urn_ietf_params_scim_schemas_oracle_idcs_extension_capabilities_user=m.ExtensionCapabilitiesUser(
            can_use_api_keys=True, can_use_console_password=True, can_use_auth_tokens=False,
            can_use_customer_secret_keys=False, can_use_o_auth2_client_credentials=False,
            can_use_smtp_credentials=False, can_use_db_credentials=False,
        ),
        urn_ietf_params_scim_schemas_oracle_idcs_extension_mfa_user=m.ExtensionMfaUser(mfa_status="ENROLLED"),
        urn_ietf_params_scim_schemas_oracle_idcs_extension_user_state_user=m.ExtensionUserStateUser(
            last_successful_login_date="2026-05-20T07:00:00.000Z"
        ),
    )
    member = m.GroupMembers(value="sdk-user-1", ocid=user_ocid, type="User", name="digiusher-api")
    groups = [
        m.Group(id="sdk-group-1", ocid="ocid1.group.oc1..aaaaaaaasdkvendor", display_name=group_name, members=[member]),
        m.Group(id="sdk-group-2", ocid="ocid1.group.oc1..aaaaaaaasdkauditors", display_name="Auditors", members=[member]),
    ]
    keys = [
        m.ApiKey(
            id=f"sdk-key-{n}",
            fingerprint=f"5d:00:00:00:00:00:00:00:00:00:00:00:00:00:00:0{n}",
            user=m.ApiKeyUser(value="sdk-user-1", ocid=user_ocid),
            meta=m.Meta(resource_type="ApiKey", created=created),
        )
        for n, created in [(1, "2026-05-10T09:00:00.000Z"), (2, "2026-05-11T09:00:00.000Z")]
    ]
    print(json.dumps({"Users": wire([vendor]), "Groups": wire(groups), "ApiKeys": wire(keys)}, indent=2))


if __name__ == "__main__":
    main()
