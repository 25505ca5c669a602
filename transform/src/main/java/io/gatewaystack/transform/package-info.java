/**
 * The transform layer (the seed's "transformabl"): detects and redacts personal data and secrets, classifies content and scores its risk. Filled by the transform issue; nothing here runs yet.
 */
package io.gatewaystack.transform;
