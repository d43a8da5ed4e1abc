// Original file: keygate/v1/key_admin.proto


export interface DisableKeyRequest {
  'id'?: (string);
  'reason'?: (string);
}

export interface DisableKeyRequest__Output {
  'id': (string);
  'reason': (string);
}
