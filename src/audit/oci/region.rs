//! Where a region's Identity endpoint is: `https://identity.{region}.oci.{second-level domain}`,
//! the domain given by the realm (`oc1`, …) that the tenancy's OCID names.

/// Realm → second-level domain, as the Python SDK's `regions_definitions.REALMS` (oci 2.189).
const REALMS: &[(&str, &str)] = &[
    ("oc1", "oraclecloud.com"),
    ("oc2", "oraclegovcloud.com"),
    ("oc3", "oraclegovcloud.com"),
    ("oc4", "oraclegovcloud.uk"),
    ("oc8", "oraclecloud8.com"),
    ("oc9", "oraclecloud9.com"),
    ("oc10", "oraclecloud10.com"),
    ("oc14", "oraclecloud14.com"),
    ("oc15", "oraclecloud15.com"),
    ("oc19", "oraclecloud.eu"),
    ("oc20", "oraclecloud20.com"),
    ("oc21", "oraclecloud21.com"),
    ("oc23", "oraclecloud23.com"),
    ("oc24", "oraclecloud24.com"),
    ("oc26", "oraclecloud26.com"),
    ("oc29", "oraclecloud29.com"),
    ("oc35", "oraclecloud35.com"),
    ("oc42", "oraclecloud42.com"),
    ("oc51", "oraclecloud51.com"),
    ("oc52", "oraclecloud52.com"),
];

/// Short region keys the config file may use instead of names, as the Python SDK's
/// `regions_definitions.REGIONS_SHORT_NAMES` (oci 2.189).
const SHORT_NAMES: &[(&str, &str)] = &[
    ("aga", "us-saltlake-2"),
    ("ahu", "me-abudhabi-3"),
    ("ams", "eu-amsterdam-1"),
    ("arn", "eu-stockholm-1"),
    ("auh", "me-abudhabi-1"),
    ("avf", "eu-crissier-1"),
    ("avz", "eu-dcc-zurich-1"),
    ("beg", "eu-jovanovac-1"),
    ("bgy", "eu-dcc-milan-1"),
    ("bno", "ap-chuncheon-2"),
    ("bog", "sa-bogota-1"),
    ("bom", "ap-mumbai-1"),
    ("brs", "uk-gov-cardiff-1"),
    ("cdg", "eu-paris-1"),
    ("cwl", "uk-cardiff-1"),
    ("dac", "ap-dcc-gazipur-1"),
    ("dln", "ap-suwon-1"),
    ("doh", "me-dcc-doha-1"),
    ("dtm", "eu-dcc-rating-2"),
    ("dtz", "ap-seoul-2"),
    ("dus", "eu-dcc-rating-1"),
    ("dxb", "me-dubai-1"),
    ("ebb", "us-somerset-1"),
    ("ebl", "us-thames-1"),
    ("fra", "eu-frankfurt-1"),
    ("gru", "sa-saopaulo-1"),
    ("hnw", "sa-riodejaneiro-1"),
    ("hsg", "ap-batam-1"),
    ("hyd", "ap-hyderabad-1"),
    ("iad", "us-ashburn-1"),
    ("ibr", "me-ibri-1"),
    ("icn", "ap-seoul-1"),
    ("jbp", "ap-kulai-2"),
    ("jed", "me-jeddah-1"),
    ("jnb", "af-johannesburg-1"),
    ("jsk", "eu-budapest-1"),
    ("kix", "ap-osaka-1"),
    ("lej", "af-casablanca-1"),
    ("lfi", "us-langley-1"),
    ("lhr", "uk-london-1"),
    ("lin", "eu-milan-1"),
    ("ltn", "uk-gov-london-1"),
    ("luf", "us-luke-1"),
    ("mad", "eu-madrid-1"),
    ("mct", "me-dcc-muscat-1"),
    ("mel", "ap-melbourne-1"),
    ("mrs", "eu-marseille-1"),
    ("mty", "mx-monterrey-1"),
    ("mtz", "il-jerusalem-1"),
    ("mxp", "eu-dcc-milan-2"),
    ("nja", "ap-chiyoda-1"),
    ("nrq", "eu-turin-1"),
    ("nrt", "ap-tokyo-1"),
    ("onm", "ap-delhi-1"),
    ("ord", "us-chicago-1"),
    ("orf", "eu-madrid-3"),
    ("ork", "eu-dcc-dublin-1"),
    ("pgc", "us-newark-1"),
    ("phx", "us-phoenix-1"),
    ("pia", "us-gov-chicago-1"),
    ("qro", "mx-queretaro-1"),
    ("rba", "me-alain-1"),
    ("ric", "us-gov-ashburn-1"),
    ("rkt", "me-abudhabi-2"),
    ("ruh", "me-riyadh-1"),
    ("scl", "sa-santiago-1"),
    ("shj", "me-abudhabi-4"),
    ("sin", "ap-singapore-1"),
    ("sjc", "us-sanjose-1"),
    ("snn", "eu-dcc-dublin-2"),
    ("str", "eu-frankfurt-2"),
    ("syd", "ap-sydney-1"),
    ("tus", "us-gov-phoenix-1"),
    ("ukb", "ap-ibaraki-1"),
    ("vap", "sa-valparaiso-1"),
    ("vcp", "sa-vinhedo-1"),
    ("vll", "eu-madrid-2"),
    ("vve", "me-alrayyan-1"),
    ("wga", "ap-dcc-canberra-1"),
    ("xsp", "ap-singapore-2"),
    ("yny", "ap-chuncheon-1"),
    ("yul", "ca-montreal-1"),
    ("yxj", "us-ashburn-2"),
    ("yyz", "ca-toronto-1"),
    ("zrh", "eu-zurich-1"),
];

/// A region's full name from a name or a short key (`iad` → `us-ashburn-1`), lowercased.
pub fn region_name(region: &str) -> String {
    let region = region.trim().to_ascii_lowercase();
    SHORT_NAMES.iter().find(|(key, _)| *key == region).map_or(region, |(_, name)| name.to_string())
}

/// The Identity endpoint (without the API version) of `region` in the realm of `tenancy`.
pub fn identity_endpoint(region: &str, tenancy: &str) -> Result<String, String> {
    let realm = tenancy.split('.').nth(2).unwrap_or_default();
    let Some((_, domain)) = REALMS.iter().find(|(name, _)| name.eq_ignore_ascii_case(realm)) else {
        return Err(format!(
            "the tenancy OCID names realm `{realm}`, whose domain grantlint does not know; pass the Identity endpoint with --endpoint"
        ));
    };
    Ok(format!("https://identity.{}.oci.{domain}", region_name(region)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_follow_region_and_realm() {
        let oc1 = "ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq";
        assert_eq!(identity_endpoint("iad", oc1).unwrap(), "https://identity.us-ashburn-1.oci.oraclecloud.com");
        assert_eq!(
            identity_endpoint("eu-frankfurt-1", oc1).unwrap(),
            "https://identity.eu-frankfurt-1.oci.oraclecloud.com"
        );
        let oc19 = "ocid1.tenancy.oc19..aaaa";
        assert_eq!(identity_endpoint("eu-madrid-2", oc19).unwrap(), "https://identity.eu-madrid-2.oci.oraclecloud.eu");
        assert!(identity_endpoint("iad", "ocid1.tenancy.oc99..aaaa").unwrap_err().contains("--endpoint"));
    }

    #[test]
    fn tables_are_sorted_and_unique() {
        assert!(SHORT_NAMES.windows(2).all(|w| w[0].0 < w[1].0));
        let mut realms: Vec<_> = REALMS.iter().map(|(r, _)| r).collect();
        realms.dedup();
        assert_eq!(realms.len(), REALMS.len());
    }
}
